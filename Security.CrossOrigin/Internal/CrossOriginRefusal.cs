namespace Security.CrossOrigin.Internal;

/// <summary>Why a request is refused; <see cref="None"/> when it passes.</summary>
internal enum CrossOriginRefusal
{
    None = 0,

    /// <summary>An unsafe method with <c>Sec-Fetch-Site: cross-site</c>.</summary>
    CrossSite,

    /// <summary>An unsafe method with <c>Sec-Fetch-Site: same-site</c>, and same-site requests are not allowed.</summary>
    SameSite,

    /// <summary>An unsafe method with a <c>Sec-Fetch-Site</c> value no browser sends (or several).</summary>
    UnknownSite,

    /// <summary>An unsafe method, no <c>Sec-Fetch-Site</c>, and an <c>Origin</c> that is not the request's own.</summary>
    OriginMismatch,

    /// <summary>An unsafe method, no <c>Sec-Fetch-Site</c>, and <c>Origin: null</c> (sandboxed frame, data: URL, redirect).</summary>
    NullOrigin,

    /// <summary>Resource isolation: a cross-site request that is not a top-level navigation.</summary>
    CrossSiteResource,
}
