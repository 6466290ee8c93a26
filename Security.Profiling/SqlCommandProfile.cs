namespace Security.Profiling;

/// <summary>One SQL command run during a profiled request. Never holds parameter values.</summary>
/// <param name="CommandText">The command text as sent (placeholders such as <c>@__id_0</c> or <c>$1</c>, not values).</param>
/// <param name="ParameterNames">The parameters' names only.</param>
/// <param name="Duration">How long the command took, as EF Core measured it.</param>
/// <param name="Error">The exception type name when the command failed (never its message, which may quote values).</param>
internal sealed record SqlCommandProfile(string CommandText, IReadOnlyList<string> ParameterNames, TimeSpan Duration, string? Error);
