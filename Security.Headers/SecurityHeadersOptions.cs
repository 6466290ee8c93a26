namespace Security.Headers;

/// <summary>
/// What <c>UseSecurityHeaders()</c> sends. Bound from the <c>Security:Headers</c> configuration
/// section; code passed to <c>AddSecurityHeaders(o =&gt; ...)</c> wins over configuration. Every
/// value is validated at startup and turned into a ready header value once.
/// </summary>
/// <remarks>
/// Header values are case-insensitive and written in their canonical spelling. The value
/// <c>off</c> switches a header off.
/// </remarks>
public sealed class SecurityHeadersOptions
{
    /// <summary>The configuration section bound by <c>AddSecurityHeaders</c>: <c>Security:Headers</c>.</summary>
    public const string SectionName = "Security:Headers";

    /// <summary>
    /// <c>X-Frame-Options</c>: <c>deny</c> (default), <c>sameorigin</c>, <c>allow-from:https://example.com</c>
    /// (obsolete in browsers: a startup warning recommends CSP <c>frame-ancestors</c>) or <c>off</c>.
    /// </summary>
    public string FrameOptions { get; set; } = "deny";

    /// <summary>
    /// Path patterns whose responses get no <c>X-Frame-Options</c>. Unlike the other path options
    /// these are matched against the path <em>with</em> its leading slash, ignoring case, e.g. <c>^/embed/</c>.
    /// Default: none.
    /// </summary>
    public IList<string> FrameOptionsExcludePaths { get; } = new List<string>();

    /// <summary>
    /// <c>Referrer-Policy</c>: <c>same-origin</c> (default), <c>no-referrer</c>, <c>no-referrer-when-downgrade</c>,
    /// <c>origin</c>, <c>origin-when-cross-origin</c>, <c>strict-origin</c>, <c>strict-origin-when-cross-origin</c>,
    /// <c>unsafe-url</c>, a comma-separated fallback list of those (e.g. <c>no-referrer, strict-origin-when-cross-origin</c>),
    /// or <c>off</c>.
    /// </summary>
    public string ReferrerPolicy { get; set; } = "same-origin";

    /// <summary><c>X-Content-Type-Options</c>: <c>nosniff</c> (default) or <c>off</c>.</summary>
    public string ContentTypeOptions { get; set; } = "nosniff";

    /// <summary>
    /// <c>Cross-Origin-Opener-Policy</c>: <c>same-origin</c> (default), <c>same-origin-allow-popups</c>,
    /// <c>noopener-allow-popups</c>, <c>unsafe-none</c> or <c>off</c>.
    /// </summary>
    public string CrossOriginOpenerPolicy { get; set; } = "same-origin";

    /// <summary>
    /// <c>Cross-Origin-Embedder-Policy</c>: <c>off</c> (default: it breaks pages that embed
    /// cross-origin resources without CORP/CORS), <c>require-corp</c>, <c>credentialless</c> or <c>unsafe-none</c>.
    /// </summary>
    public string CrossOriginEmbedderPolicy { get; set; } = "off";

    /// <summary>
    /// <c>Cross-Origin-Resource-Policy</c>: <c>same-origin</c> (default), <c>same-site</c>,
    /// <c>cross-origin</c> or <c>off</c>.
    /// </summary>
    public string CrossOriginResourcePolicy { get; set; } = "same-origin";

    /// <summary>
    /// <c>X-Permitted-Cross-Domain-Policies</c> (Flash and PDF readers): <c>none</c> (default),
    /// <c>master-only</c>, <c>by-content-type</c>, <c>by-ftp-filename</c>, <c>all</c>,
    /// <c>none-this-response</c> or <c>off</c>.
    /// </summary>
    public string PermittedCrossDomainPolicies { get; set; } = "none";

    /// <summary>
    /// <c>Origin-Agent-Cluster</c>: <c>?1</c> (default) asks the browser to keep your origin in its own agent
    /// cluster (its own process where it can), so same-site pages of other origins cannot share memory with it;
    /// <c>?0</c> or <c>off</c> (no header).
    /// </summary>
    public string OriginAgentCluster { get; set; } = "?1";

    /// <summary>
    /// <c>X-DNS-Prefetch-Control</c>: <c>disabled</c> (default, sends <c>off</c>: the browser does not resolve the
    /// host names of links on your pages ahead of a click, which would tell a DNS observer what the page links to),
    /// <c>enabled</c> (sends <c>on</c>) or <c>off</c> (no header).
    /// </summary>
    public string DnsPrefetchControl { get; set; } = "disabled";

    /// <summary>
    /// <c>Permissions-Policy</c>: the browser features your pages use, e.g.
    /// <c>camera=(self), geolocation=(self "https://maps.example"), fullscreen=*</c>. Default: empty (none). While
    /// <see cref="DenyUnlistedPermissions"/> is on, every other feature current browsers know (camera, microphone,
    /// geolocation, USB, <c>local-network</c>, <c>loopback-network</c>, <c>unload</c>, <c>sync-xhr</c>, ...) is
    /// denied to the page and every frame in it. <c>off</c> sends no header. A feature Chromium does not know is
    /// sent as given with a startup warning.
    /// </summary>
    public string PermissionsPolicy { get; set; } = "";

    /// <summary>
    /// Whether <c>Permissions-Policy</c> denies (<c>feature=()</c>) every feature in its catalogue that
    /// <see cref="PermissionsPolicy"/> does not name, so that injected script can use none of them. Passkeys
    /// (<c>publickey-credentials-get</c>, <c>-create</c>) stay allowed to your own pages, <c>cross-origin-isolated</c>
    /// too when <see cref="CrossOriginEmbedderPolicy"/> is on. <see langword="false"/> sends
    /// <see cref="PermissionsPolicy"/> exactly as given (no header when it is empty). Default: <see langword="true"/>.
    /// </summary>
    public bool DenyUnlistedPermissions { get; set; } = true;

    /// <summary><c>Strict-Transport-Security</c>, sent on HTTPS responses only.</summary>
    public StrictTransportSecurityOptions StrictTransportSecurity { get; } = new();

    /// <summary><c>Clear-Site-Data</c> on responses to chosen paths (e.g. logout).</summary>
    public ClearSiteDataOptions ClearSiteData { get; } = new();

    /// <summary>Which responses are confidential: never cached by browsers or proxies.</summary>
    public NoConfidentialCachingOptions NoConfidentialCaching { get; } = new();

    /// <summary>
    /// Whether responses of API endpoints that set no <c>Cache-Control</c> of their own get <c>Cache-Control: no-store</c>,
    /// so tokens and personal JSON (<c>MapIdentityApi</c>'s <c>/login</c> and <c>/refresh</c>, a user's data) stay out of
    /// browser and proxy caches with no per-endpoint setup. API endpoints are the ones the framework marks as such, the
    /// ones .NET 10's cookie handler answers with 401 instead of a login redirect (<c>IDisableCookieRedirectMetadata</c>:
    /// <c>[ApiController]</c>, minimal APIs that read or write JSON, <c>TypedResults</c>). An endpoint that sets
    /// <c>Cache-Control</c> (e.g. <c>[ResponseCache]</c>) keeps it. Default: <see langword="true"/>.
    /// </summary>
    public bool ApiNoStore { get; set; } = true;

    /// <summary>
    /// Whether to copy the request's <c>DNT</c> header into the response, as django-security's
    /// opt-in <c>DoNotTrackMiddleware</c> does. Default: <see langword="false"/>: the echo protects
    /// nothing and browsers are dropping <c>DNT</c>. The preference itself is always read with
    /// <c>HttpContext.GetDoNotTrack()</c>, with or without the echo.
    /// </summary>
    public bool EchoDoNotTrack { get; set; }

    /// <summary>
    /// Whether to remove the <c>Server</c> and <c>X-Powered-By</c> response headers, which only tell
    /// an attacker what to try. Also sets Kestrel's <c>AddServerHeader</c> to <see langword="false"/>, so that
    /// Kestrel's own answers (a 400 for a request it cannot parse, which no middleware sees) carry no
    /// <c>Server</c> either. Default: <see langword="true"/>.
    /// </summary>
    public bool RemoveServerHeader { get; set; } = true;

    /// <summary>
    /// Whether to remove, from every response the middleware sees (error pages and 404s included), the
    /// fingerprinting headers on the OWASP Secure Headers Project's removal list: 87 names such as
    /// <c>X-Powered-By</c>, <c>X-AspNet-Version</c>, <c>X-AspNetMvc-Version</c>, <c>X-SourceFiles</c>,
    /// <c>X-Generator</c>, <c>X-Envoy-Upstream-Service-Time</c>, matched ignoring case. <c>Server</c> follows
    /// <see cref="RemoveServerHeader"/>. Default: <see langword="true"/>.
    /// </summary>
    public bool RemoveFingerprintingHeaders { get; set; } = true;

    /// <summary>
    /// More response header names to remove with the OWASP list, e.g. <c>X-Backend-Host</c> (a name your own
    /// proxy or framework adds). Ignored when <see cref="RemoveFingerprintingHeaders"/> is <see langword="false"/>.
    /// Default: none.
    /// </summary>
    public IList<string> AdditionalFingerprintingHeaders { get; } = new List<string>();

    /// <summary>
    /// Whether to answer <c>TRACE</c> and <c>TRACK</c> requests with <c>405 Method Not Allowed</c> before the app
    /// runs. A server that echoes a request back (TRACE's purpose) hands a script the request's own headers, and
    /// scanners flag it; no browser or API client needs either method. Default: <see langword="true"/>.
    /// </summary>
    public bool RejectTraceMethods { get; set; } = true;
}
