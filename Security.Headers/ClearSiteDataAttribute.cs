using Microsoft.Extensions.Primitives;
using Security.Headers.Internal;

namespace Security.Headers;

/// <summary>
/// Sends <c>Clear-Site-Data</c> on an endpoint's responses, e.g. on logout. Minimal APIs:
/// <c>.ClearSiteData()</c>.
/// </summary>
/// <example><c>[ClearSiteData("cookies", "storage", "cache")]</c> sends <c>"cookies", "storage", "cache"</c>.</example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ClearSiteDataAttribute : Attribute, ISecurityHeadersMetadata
{
    /// <summary>Sends the given directives; none means <c>cookies</c> and <c>storage</c>.</summary>
    /// <param name="directives">
    /// <c>cache</c>, <c>cookies</c>, <c>storage</c>, <c>executionContexts</c>, <c>clientHints</c>,
    /// <c>prefetchCache</c>, <c>prerenderCache</c> or <c>*</c> (case-insensitive).
    /// </param>
    /// <exception cref="ArgumentException">A directive is unknown.</exception>
    public ClearSiteDataAttribute(params string[] directives)
    {
        ArgumentNullException.ThrowIfNull(directives);
        var unknown = new List<string>();
        var header = HeaderValues.ClearSiteData(directives, unknown) ??
            throw new ArgumentException(
                $"Unknown Clear-Site-Data directive(s): {string.Join(", ", unknown)}; allowed values: {string.Join(", ", HeaderValues.ClearSiteDataDirectives)}.",
                nameof(directives));
        Directives = directives;
        HeaderValue = header;
    }

    /// <summary>The directives as given (empty: <c>cookies</c> and <c>storage</c>).</summary>
    public IReadOnlyList<string> Directives { get; }

    internal StringValues HeaderValue { get; }
}
