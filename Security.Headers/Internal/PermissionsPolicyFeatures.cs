namespace Security.Headers.Internal;

/// <summary>
/// The Permissions-Policy features browsers know, and what the default policy does with each. Taken from
/// Chromium 156 (<c>document.featurePolicy.features()</c>, December 2026): a name Chromium does not know costs
/// a console error on every page, so nothing else is sent by default.
/// </summary>
internal static class PermissionsPolicyFeatures
{
    /// <summary>Denied to the page and every frame in it (<c>feature=()</c>) unless the app's policy names them.</summary>
    public static readonly string[] Denied =
    [
        "accelerometer", "autoplay", "browsing-topics", "camera", "captured-surface-control", "clipboard-read",
        "clipboard-write", "compute-pressure", "cross-origin-isolated", "deferred-fetch", "deferred-fetch-minimal",
        "digital-credentials-create", "digital-credentials-get", "display-capture", "encrypted-media", "fullscreen",
        "gamepad", "geolocation", "gyroscope", "hid", "identity-credentials-get", "idle-detection", "keyboard-map",
        "language-detector", "language-model", "local-fonts", "local-network", "local-network-access",
        "loopback-network", "magnetometer", "media-playback-while-not-visible", "microphone", "midi",
        "on-device-speech-recognition", "otp-credentials", "payment", "picture-in-picture",
        "private-state-token-issuance", "private-state-token-redemption", "screen-wake-lock", "serial",
        "speaker-selection", "storage-access", "summarizer", "sync-xhr", "translator", "unload", "usb",
        "window-management", "xr-spatial-tracking",
    ];

    /// <summary>
    /// Allowed to the site's own pages only (<c>feature=(self)</c>): passkeys, which ASP.NET Core Identity's
    /// templates sign in with.
    /// </summary>
    public static readonly string[] SelfOnly = ["publickey-credentials-create", "publickey-credentials-get"];

    /// <summary>
    /// Known but left at the browser's default: <c>aria-notify</c> (screen-reader announcements: turning it off
    /// protects nothing and hurts users), the <c>ch-*</c> client hints (request headers, not capabilities),
    /// <c>interest-cohort</c> (FLoC, gone since 2022), and names Chromium knows only in an origin trial or on some
    /// platforms (<c>web-share</c> is unknown to Chromium on Linux).
    /// </summary>
    public static readonly string[] LeftAtDefault =
    [
        "aria-notify", "ch-device-memory", "ch-downlink", "ch-dpr", "ch-ect", "ch-prefers-color-scheme",
        "ch-prefers-reduced-motion", "ch-prefers-reduced-transparency", "ch-rtt", "ch-save-data", "ch-ua", "ch-ua-arch",
        "ch-ua-bitness", "ch-ua-form-factors", "ch-ua-full-version", "ch-ua-full-version-list",
        "ch-ua-high-entropy-values", "ch-ua-mobile", "ch-ua-model", "ch-ua-platform", "ch-ua-platform-version",
        "ch-ua-wow64", "ch-viewport-height", "ch-viewport-width", "ch-width", "interest-cohort",
        "focus-without-user-activation", "rewriter", "web-app-installation", "web-share", "writer",
    ];

    public static bool IsKnown(string feature) =>
        Array.IndexOf(Denied, feature) >= 0 || Array.IndexOf(SelfOnly, feature) >= 0 || Array.IndexOf(LeftAtDefault, feature) >= 0;
}
