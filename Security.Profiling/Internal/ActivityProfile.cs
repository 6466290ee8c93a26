using System.Diagnostics;

namespace Security.Profiling.Internal;

/// <summary>One stopped <see cref="Activity"/> of a profiled request, reduced to what the tree shows.</summary>
/// <param name="SourceName">The <see cref="ActivitySource"/> name, e.g. <c>Npgsql</c>.</param>
/// <param name="DisplayName">The activity's display name.</param>
/// <param name="SpanId">Its span id.</param>
/// <param name="ParentSpanId">Its parent's span id (default when it has none).</param>
/// <param name="StartUtc">When it started.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Failed">Whether its status is <see cref="ActivityStatusCode.Error"/>.</param>
/// <param name="Detail">A few safe tags (server address, status code, database system), or null.</param>
internal sealed record ActivityProfile(
    string SourceName,
    string DisplayName,
    ActivitySpanId SpanId,
    ActivitySpanId ParentSpanId,
    DateTime StartUtc,
    TimeSpan Duration,
    bool Failed,
    string? Detail);
