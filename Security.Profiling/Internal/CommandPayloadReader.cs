using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;

namespace Security.Profiling.Internal;

/// <summary>
/// Reads the command event payloads of EF Core (<c>CommandExecutedEventData</c>,
/// <c>CommandErrorEventData</c>) and of SqlClient (<c>WriteCommandBefore/After/Error</c>) without
/// referencing either library: their public <c>Command</c> (<see cref="DbCommand"/>),
/// <c>Duration</c>, <c>Exception</c>, <c>OperationId</c> and <c>Timestamp</c> properties, looked up
/// once per payload type and cached. Only profiled requests get here.
/// </summary>
internal static class CommandPayloadReader
{
    private static readonly ConcurrentDictionary<Type, Accessors> Cache = new();

    /// <summary>
    /// Reads one payload: its command, reduced to the text and the parameter names (never their
    /// values), plus whatever timing and identity the payload carries. False when it has no readable command.
    /// </summary>
    public static bool TryRead(object? payload, out CommandPayload read)
    {
        read = default;
        if (payload is null)
        {
            return false;
        }

        var accessors = Cache.GetOrAdd(payload.GetType(), static type => new Accessors(
            Find(type, "Command", typeof(DbCommand)),
            Find(type, "Duration", typeof(TimeSpan)),
            Find(type, "Exception", typeof(Exception)),
            Find(type, "OperationId", typeof(Guid)),
            Find(type, "Timestamp", typeof(long))));

        if (accessors.Command?.GetValue(payload) is not DbCommand command)
        {
            return false;
        }

        var parameters = command.Parameters;
        var names = new string[parameters.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = parameters[i].ParameterName;
        }

        read = new CommandPayload(
            command.CommandText ?? string.Empty,
            names,
            accessors.Duration?.GetValue(payload) as TimeSpan?,
            accessors.Exception?.GetValue(payload) is Exception exception ? exception.GetType().Name : null,
            accessors.OperationId?.GetValue(payload) as Guid?,
            accessors.Timestamp?.GetValue(payload) as long?);
        return true;
    }

    /// <summary>The operation id of a SqlClient payload (its <c>WriteCommandBefore</c> has no timing of its own).</summary>
    public static bool TryReadStart(object? payload, out Guid operationId, out long timestamp)
    {
        operationId = default;
        timestamp = 0;
        if (!TryRead(payload, out var read) || read.OperationId is not { } id || read.Timestamp is not { } at)
        {
            return false;
        }

        operationId = id;
        timestamp = at;
        return true;
    }

    private static PropertyInfo? Find(Type type, string name, Type expected)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        return property is not null && property.GetMethod is not null && expected.IsAssignableFrom(property.PropertyType) ? property : null;
    }

    private sealed record Accessors(PropertyInfo? Command, PropertyInfo? Duration, PropertyInfo? Exception, PropertyInfo? OperationId, PropertyInfo? Timestamp);
}
