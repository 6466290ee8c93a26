namespace Security.Headers.Internal;

/// <summary>What the path options decide for one request.</summary>
[Flags]
internal enum PathDecision
{
    None = 0,

    /// <summary>The path is in <c>FrameOptionsExcludePaths</c>: no <c>X-Frame-Options</c>.</summary>
    NoFrameOptions = 1,

    /// <summary>The no-confidential-caching rules say the response must not be cached.</summary>
    Confidential = 2,

    /// <summary>The path is in <c>ClearSiteData:Paths</c>.</summary>
    ClearSiteData = 4,
}
