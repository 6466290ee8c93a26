namespace Security.Auth;

/// <summary>
/// A per-request login URL, set by middleware that runs before <c>UseLoginRequired</c> (e.g. one
/// that knows the tenant's own sign-in page). When present, the sign-in redirect of an anonymous request goes to this
/// URL with no return parameter, and AJAX requests get it as <c>login_url</c>; an API endpoint still gets the
/// scheme's 401.
/// Set it with <c>HttpContext.SetLoginUrl(url)</c>.
/// </summary>
public interface ILoginUrlFeature
{
    /// <summary>The login URL for this request, e.g. <c>/tenants/acme/login</c>.</summary>
    string LoginUrl { get; }
}
