namespace Security.CrossOrigin.Tests;

/// <summary>
/// The Fetch Metadata and Origin headers a browser sends for each kind of request (the values Chromium sends, see
/// the Chromium tests in Security.IntegrationTests), so each attack test reads like the request it forges.
/// </summary>
internal static class Browser
{
    public static readonly (string, string)[] CrossSiteFormPost =
        [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"), ("Origin", "http://evil.example"), ("Content-Type", "application/x-www-form-urlencoded")];

    public static readonly (string, string)[] CrossSiteNoCorsFetch =
        [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "empty"), ("Origin", "http://evil.example"), ("Content-Type", "text/plain;charset=UTF-8")];

    public static readonly (string, string)[] CrossSiteScript =
        [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "script")];

    public static readonly (string, string)[] CrossSiteNavigation =
        [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"), ("Sec-Fetch-User", "?1")];

    public static readonly (string, string)[] SameOriginFetch =
        [("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"), ("Origin", "http://localhost")];

    public static readonly (string, string)[] SameSiteFormPost =
        [("Sec-Fetch-Site", "same-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"), ("Origin", "http://shop.localhost"), ("Content-Type", "application/x-www-form-urlencoded")];

    public static (string, string)[] With(this (string, string)[] headers, params (string, string)[] more) => [.. headers, .. more];
}
