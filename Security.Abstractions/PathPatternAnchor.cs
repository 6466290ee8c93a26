namespace Security.Abstractions;

/// <summary>What text of the request path a <see cref="PathPatternMatcher"/> matches against.</summary>
public enum PathPatternAnchor
{
    /// <summary>The path without its leading slash (<c>accounts/login/$</c> matches <c>/accounts/login/</c>), as most original settings do.</summary>
    WithoutLeadingSlash = 0,

    /// <summary>The path with its leading slash (<c>^/test1/$</c>), as X-Frame-Options exclusions are written.</summary>
    WithLeadingSlash = 1,
}
