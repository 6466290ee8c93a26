namespace Security.Headers;

/// <summary>
/// Which responses are confidential. A confidential response gets, replacing what was there,
/// <c>Cache-Control: no-cache, no-store, max-age=0, must-revalidate</c>, <c>Pragma: no-cache</c>
/// and <c>Expires: -1</c>, so no browser or proxy keeps a copy. Both modes may be on: a response is
/// confidential when either says so. Per endpoint use <c>.Confidential()</c> or <c>[Confidential]</c>.
/// </summary>
/// <remarks>
/// Path patterns are regular expressions matched against the path without its leading slash,
/// anchored at the start only, ignoring case: <c>static/</c> matches <c>/static/site.css</c> and <c>/STATIC/site.css</c>.
/// </remarks>
public sealed class NoConfidentialCachingOptions
{
    /// <summary>
    /// Whitelist mode: every response is confidential except those whose path matches
    /// <see cref="WhitelistPaths"/>. Default: <see langword="false"/>.
    /// </summary>
    public bool WhitelistEnabled { get; set; }

    /// <summary>Path patterns that may be cached in whitelist mode, e.g. <c>static/</c>.</summary>
    public IList<string> WhitelistPaths { get; } = new List<string>();

    /// <summary>
    /// Blacklist mode: only responses whose path matches <see cref="BlacklistPaths"/> are
    /// confidential. Default: <see langword="false"/>.
    /// </summary>
    public bool BlacklistEnabled { get; set; }

    /// <summary>Path patterns that are confidential in blacklist mode, e.g. <c>account/</c>.</summary>
    public IList<string> BlacklistPaths { get; } = new List<string>();
}
