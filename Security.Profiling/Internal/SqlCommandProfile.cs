namespace Security.Profiling.Internal;

/// <summary>One SQL command run during a profiled request. Never holds parameter values.</summary>
/// <param name="CommandText">The command text as sent (placeholders such as <c>@__id_0</c> or <c>$1</c>, not values).</param>
/// <param name="ParameterNames">The parameters' names only (none when the source does not tell them).</param>
/// <param name="Duration">How long the command took, as its source measured it.</param>
/// <param name="Error">The exception type name (or the provider's error code) when the command failed, never its message, which may quote values.</param>
/// <param name="Source">Who reported it: <c>EF Core</c>, <c>Npgsql</c> or <c>SqlClient</c>.</param>
internal sealed record SqlCommandProfile(string CommandText, IReadOnlyList<string> ParameterNames, TimeSpan Duration, string? Error, string Source);
