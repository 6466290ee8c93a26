using Microsoft.Extensions.Primitives;
using Security.Headers.Internal;

namespace Security.Headers;

/// <summary>
/// Sends a different <c>X-Frame-Options</c> on an endpoint's responses, whatever the options and
/// their exclusions say. Minimal APIs: <c>.WithFrameOptions("sameorigin")</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class FrameOptionsAttribute : Attribute, ISecurityHeadersMetadata
{
    /// <summary>Sends <paramref name="value"/> instead of the configured value.</summary>
    /// <param name="value"><c>deny</c>, <c>sameorigin</c>, <c>allow-from:https://example.com</c> or <c>off</c> (no header).</param>
    /// <exception cref="ArgumentException">The value is not one of those.</exception>
    public FrameOptionsAttribute(string value)
    {
        if (!HeaderValues.TryFrameOptions(value, out var header))
        {
            throw new ArgumentException(
                $"X-Frame-Options '{value}' is not valid; allowed values: {string.Join(", ", HeaderValues.FrameOptionsAllowed)}.",
                nameof(value));
        }

        Value = value;
        HeaderValue = header;
    }

    /// <summary>The value as given, e.g. <c>sameorigin</c>.</summary>
    public string Value { get; }

    // Empty for "off": no header.
    internal StringValues HeaderValue { get; }
}
