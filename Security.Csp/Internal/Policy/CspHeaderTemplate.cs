using Microsoft.Extensions.Primitives;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// One header value, precomputed: either a fixed <see cref="StringValues"/> or the fixed text
/// around each place the per-request nonce goes, joined with one <c>string.Create</c>, and the
/// fixed value for a response that drew no nonce.
/// </summary>
internal sealed class CspHeaderTemplate
{
    private readonly string[] _segments;
    private readonly int _fixedLength;
    private readonly StringValues _static;

    /// <param name="segments">The text around each nonce; one segment when the policy has no nonce.</param>
    /// <param name="withoutNonce">The value when no nonce was drawn: the nonce left out, <c>'none'</c> where it was a directive's only source.</param>
    public CspHeaderTemplate(string[] segments, string withoutNonce)
    {
        _segments = segments;
        _fixedLength = segments.Sum(s => s.Length);
        _static = new StringValues(segments.Length == 1 ? segments[0] : withoutNonce);
    }

    public bool UsesNonce => _segments.Length > 1;

    /// <summary>The value with <paramref name="nonce"/>; without a nonce source when it is <see langword="null"/>.</summary>
    public StringValues Render(string? nonce)
    {
        if (_segments.Length == 1 || nonce is null)
        {
            return _static;
        }

        var length = _fixedLength + ((_segments.Length - 1) * nonce.Length);
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

    /// <summary>The value sent when the response drew no nonce (for tests and diagnostics).</summary>
    public string WithoutNonce => _static.ToString();
}
