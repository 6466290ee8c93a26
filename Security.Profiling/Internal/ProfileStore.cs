using Microsoft.Extensions.Options;

namespace Security.Profiling.Internal;

/// <summary>The latest profiles for the profiles page: a ring buffer of bounded size.</summary>
internal sealed class ProfileStore
{
    private readonly Lock _lock = new();
    private readonly RequestProfile?[] _profiles;
    private int _next;
    private int _count;

    public ProfileStore(IOptions<SecurityProfilingOptions> options)
    {
        _profiles = new RequestProfile?[Math.Max(0, options.Value.MaxStoredProfiles)];
    }

    public void Add(RequestProfile profile)
    {
        if (_profiles.Length == 0)
        {
            return;
        }

        lock (_lock)
        {
            _profiles[_next] = profile;
            _next = (_next + 1) % _profiles.Length;
            _count = Math.Min(_count + 1, _profiles.Length);
        }
    }

    /// <summary>The stored profiles, newest first.</summary>
    public IReadOnlyList<RequestProfile> Snapshot()
    {
        lock (_lock)
        {
            var result = new RequestProfile[_count];
            for (var i = 0; i < _count; i++)
            {
                result[i] = _profiles[(_next - 1 - i + _profiles.Length) % _profiles.Length]!;
            }

            return result;
        }
    }
}
