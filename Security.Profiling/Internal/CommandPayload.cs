namespace Security.Profiling.Internal;

/// <summary>What <see cref="CommandPayloadReader"/> read from one payload.</summary>
internal readonly record struct CommandPayload(
    string CommandText,
    string[] ParameterNames,
    TimeSpan? Duration,
    string? ExceptionType,
    Guid? OperationId,
    long? Timestamp);
