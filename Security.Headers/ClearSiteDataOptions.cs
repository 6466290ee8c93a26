namespace Security.Headers;

/// <summary>
/// <c>Clear-Site-Data</c>: asks the browser to drop cookies, storage or caches for this origin,
/// e.g. on logout. Sent on responses to requests whose path is exactly one of <see cref="Paths"/>;
/// per endpoint use <c>.ClearSiteData()</c> or <c>[ClearSiteData]</c> instead.
/// </summary>
public sealed class ClearSiteDataOptions
{
    /// <summary>
    /// Request paths (relative to <c>PathBase</c>, compared ignoring case and a trailing slash, as routing does) whose
    /// responses carry the header, e.g. <c>/account/logout</c>. Default: none.
    /// </summary>
    public IList<string> Paths { get; } = new List<string>();

    /// <summary>
    /// The directives: <c>cache</c>, <c>cookies</c>, <c>storage</c>, <c>executionContexts</c>,
    /// <c>clientHints</c>, <c>prefetchCache</c>, <c>prerenderCache</c> or <c>*</c> (case-insensitive).
    /// Empty (default) means <c>cookies</c> and <c>storage</c>, sent as <c>"cookies", "storage"</c>.
    /// </summary>
    public IList<string> Directives { get; } = new List<string>();
}
