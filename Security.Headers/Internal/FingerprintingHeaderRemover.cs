using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Security.Headers.Internal;

/// <summary>
/// Removes a fixed set of response headers, ignoring case, without allocating. A response almost never holds
/// one, so it first looks in one pass over the headers the response has (ten or so), each name checked by its
/// length, last and third characters before the set, instead of asking for each of the 87 names (87 lookups: 1.1 µs on
/// <see cref="HeaderDictionary"/>, 2.8 µs on Kestrel's collections, measured); only when one is there does it
/// remove them all by name.
/// </summary>
internal sealed class FingerprintingHeaderRemover
{
    private const int DirectRemovalLimit = 4;

    private readonly string[] _names;
    private readonly FrozenSet<string> _set;
    // Per name length, a bit per (lower-cased character & 63) of the listed names' last and third characters.
    private readonly ulong[] _lastByLength = new ulong[64];
    private readonly ulong[] _thirdByLength = new ulong[64];

    // Kestrel's header collections are internal types whose public struct enumerator the interface boxes
    // (about 40 B a response); this reads them through that enumerator, compiled once for the type seen.
    private Scanner? _scanner;

    public FingerprintingHeaderRemover(IEnumerable<string> names)
    {
        _set = names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _names = [.. _set];
        foreach (var name in _names.Where(n => n.Length > 0))
        {
            var length = Math.Min(name.Length, 63);
            _lastByLength[length] |= 1UL << Bit(name[^1]);
            _thirdByLength[length] |= 1UL << Bit(name[Math.Min(2, name.Length - 1)]);
        }
    }

    public IReadOnlyCollection<string> Names => _names;

    public void RemoveFrom(IHeaderDictionary headers)
    {
        // A few names (Server and X-Powered-By alone) cost less to remove than one pass over the headers.
        if (_names.Length > DirectRemovalLimit && !AnyIn(headers))
        {
            return;
        }

        foreach (var name in _names)
        {
            headers.Remove(name);
        }
    }

    private bool AnyIn(IHeaderDictionary headers)
    {
        if (headers is HeaderDictionary dictionary)
        {
            foreach (var header in dictionary)
            {
                if (IsListed(header.Key))
                {
                    return true;
                }
            }

            return false;
        }

        var scanner = _scanner;
        if (scanner is null || scanner.Type != headers.GetType())
        {
            // A race builds it twice; either copy is right.
            _scanner = scanner = new Scanner(headers.GetType());
        }

        return scanner.AnyIn(headers, this);
    }

    // Every name of our own headers and the common framework ones (Content-Type, Set-Cookie, Cache-Control, Vary,
    // CSP...) differs from each listed name of its length in its last or third character: no set lookup for them.
    private bool IsListed(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        var length = Math.Min(name.Length, 63);
        return ((_lastByLength[length] >> Bit(name[^1])) & 1) != 0 &&
               ((_thirdByLength[length] >> Bit(name[Math.Min(2, name.Length - 1)])) & 1) != 0 &&
               _set.Contains(name);
    }

    // ASCII letters fold to one bit whatever their case; other characters share bits, which only costs a set lookup.
    private static int Bit(char c) => (c | 0x20) & 63;

    private sealed class Scanner
    {
        private readonly Func<IHeaderDictionary, FingerprintingHeaderRemover, bool> _anyIn;

        public Scanner(Type type)
        {
            Type = type;
            _anyIn = CompileStructEnumeration(type) ?? BoxedEnumeration;
        }

        public Type Type { get; }

        public bool AnyIn(IHeaderDictionary headers, FingerprintingHeaderRemover remover) => _anyIn(headers, remover);

        private static bool BoxedEnumeration(IHeaderDictionary headers, FingerprintingHeaderRemover remover)
        {
            foreach (var header in headers)
            {
                if (remover.IsListed(header.Key))
                {
                    return true;
                }
            }

            return false;
        }

        // (headers, remover) => { var e = ((T)headers).GetEnumerator(); while (e.MoveNext()) if (remover.IsListed(e.Current.Key)) return true; return false; }
        private static Func<IHeaderDictionary, FingerprintingHeaderRemover, bool>? CompileStructEnumeration(Type type)
        {
            var getEnumerator = type.GetMethod("GetEnumerator", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            var enumeratorType = getEnumerator?.ReturnType;
            if (getEnumerator is null || enumeratorType is null || !enumeratorType.IsValueType ||
                !typeof(IEnumerator<KeyValuePair<string, StringValues>>).IsAssignableFrom(enumeratorType) ||
                enumeratorType.GetMethod(nameof(IEnumerator<int>.MoveNext), Type.EmptyTypes) is not { } moveNext ||
                enumeratorType.GetProperty(nameof(IEnumerator<int>.Current))?.GetMethod is not { } current ||
                current.ReturnType != typeof(KeyValuePair<string, StringValues>))
            {
                return null;
            }

            var headers = Expression.Parameter(typeof(IHeaderDictionary), "headers");
            var remover = Expression.Parameter(typeof(FingerprintingHeaderRemover), "remover");
            var enumerator = Expression.Variable(enumeratorType, "e");
            var done = Expression.Label(typeof(bool), "done");
            var isListed = typeof(FingerprintingHeaderRemover).GetMethod(nameof(IsListed), BindingFlags.NonPublic | BindingFlags.Instance)!;
            var key = Expression.Property(Expression.Call(enumerator, current), nameof(KeyValuePair<string, StringValues>.Key));
            var body = Expression.Block(
                typeof(bool),
                [enumerator],
                Expression.Assign(enumerator, Expression.Call(Expression.Convert(headers, type), getEnumerator)),
                Expression.Loop(
                    Expression.IfThenElse(
                        Expression.Call(enumerator, moveNext),
                        Expression.IfThen(Expression.Call(remover, isListed, key), Expression.Return(done, Expression.Constant(true))),
                        Expression.Return(done, Expression.Constant(false)))),
                Expression.Label(done, Expression.Constant(false)));
            return Expression.Lambda<Func<IHeaderDictionary, FingerprintingHeaderRemover, bool>>(body, headers, remover).Compile();
        }
    }
}
