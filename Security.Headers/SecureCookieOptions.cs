namespace Security.Headers;

/// <summary>
/// Options of <c>services.AddSecurityHeaders().AddSecureCookies()</c>, bound from <c>Security:Headers:Cookies</c>;
/// code configuration wins. They drive ASP.NET Core's own cookie policy (<c>CookiePolicyOptions</c>), so every cookie
/// the app and the framework write (authentication, session, antiforgery, the app's own) gets the same flags.
/// </summary>
public sealed class SecureCookieOptions
{
    /// <summary>The configuration section the options are bound from: <c>Security:Headers:Cookies</c>.</summary>
    public const string SectionName = "Security:Headers:Cookies";

    /// <summary>
    /// Names of cookies that page scripts must read, so they are not made <c>HttpOnly</c>, e.g. a CSRF token a
    /// single-page app copies into a header. Every other cookie is <c>HttpOnly</c>. Default empty.
    /// </summary>
    public IList<string> ScriptReadable { get; } = [];

    /// <summary>
    /// Prefixes of cookie names that may keep <c>SameSite=None</c> because a cross-site POST must carry them back.
    /// Every other cookie set to <c>None</c> or left unspecified becomes <c>Lax</c>; <c>Strict</c> is kept. Default:
    /// the correlation and nonce cookies of the OpenID Connect and OAuth handlers (<c>.AspNetCore.Correlation.</c>,
    /// <c>.AspNetCore.OpenIdConnect.Nonce.</c>), so external sign-in keeps working.
    /// </summary>
    public IList<string> CrossSite { get; } = [".AspNetCore.Correlation.", ".AspNetCore.OpenIdConnect.Nonce."];

    /// <summary>
    /// Whether the Development environment may write cookies without <c>Secure</c> over plain http (so
    /// <c>dotnet run</c> on http works). Outside Development every cookie is <c>Secure</c>, over http too, where the
    /// browser then drops it: sign-in over http stops working, as it should. Default <see langword="true"/>.
    /// </summary>
    public bool InsecureInDevelopment { get; set; } = true;
}
