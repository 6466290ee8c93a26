using Microsoft.Extensions.Primitives;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// One header value, precomputed: either a fixed <see cref="StringValues"/> or the fixed text
/// around each place the per-request nonce goes, joined with one <c>string.Create</c>.
/// </summary>
internal sealed class CspHeaderTemplate
{
    private readonly string[] _segments;
    private readonly int _fixedLength;
    private readonly StringValues _static;

    public CspHeaderTemplate(string[] segments)
    {
        _segments = segments;
        _fixedLength = segments.Sum(s => s.Length);
        _static = segments.Length == 1 ? new StringValues(segments[0]) : StringValues.Empty;
    }

    public bool UsesNonce => _segments.Length > 1;

    public StringValues Render(string? nonce)
    {
        if (_segments.Length == 1)
        {
            return _static;
        }

        var length = _fixedLength + ((_segments.Length - 1) * nonce!.Length);
        return string.Create(length, (_segments, nonce), static (span, state) =>
        {
            var (segments, value) = state;
            var position = 0;
            for (var i = 0; i < segments.Length; i++)
            {
                if (i > 0)
                {
                    value.AsSpan().CopyTo(span[position..]);
                    position += value.Length;
                }

                segments[i].AsSpan().CopyTo(span[position..]);
                position += segments[i].Length;
            }
        });
    }

    /// <summary>The value with <c>{nonce}</c> where the nonce goes (for tests and diagnostics).</summary>
    public override string ToString() => string.Join("{nonce}", _segments);
}
