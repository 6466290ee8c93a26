using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;

namespace Security.Profiling;

/// <summary>
/// Reads EF Core's command event payloads (<c>CommandExecutedEventData</c>, <c>CommandErrorEventData</c>)
/// without referencing EF Core: their public <c>Command</c> (<see cref="DbCommand"/>),
/// <c>Duration</c> (<see cref="TimeSpan"/>) and <c>Exception</c> properties, looked up once per
/// payload type and cached. Only profiled requests get here.
/// </summary>
internal static class EfCommandEventReader
{
    private static readonly ConcurrentDictionary<Type, Accessors> Cache = new();

    /// <summary>
    /// Reads one payload into a redacted <see cref="SqlCommandProfile"/>: the command text and the
    /// parameter names, never their values. False when the payload has no readable command.
    /// </summary>
    public static bool TryRead(object? payload, bool failed, out SqlCommandProfile? command)
    {
        command = null;
        if (payload is null)
        {
            return false;
        }

        var accessors = Cache.GetOrAdd(payload.GetType(), static type => new Accessors(
            Find(type, "Command", typeof(DbCommand)),
            Find(type, "Duration", typeof(TimeSpan)),
            Find(type, "Exception", typeof(Exception))));

        if (accessors.Command?.GetValue(payload) is not DbCommand dbCommand)
        {
            return false;
        }

        var duration = accessors.Duration?.GetValue(payload) is TimeSpan value ? value : TimeSpan.Zero;
        string? error = null;
        if (failed)
        {
            error = accessors.Exception?.GetValue(payload) is Exception exception ? exception.GetType().Name : "error";
        }

        var parameters = dbCommand.Parameters;
        var names = new string[parameters.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = parameters[i].ParameterName;
        }

        command = new SqlCommandProfile(dbCommand.CommandText ?? string.Empty, names, duration, error);
        return true;
    }

    private static PropertyInfo? Find(Type type, string name, Type expected)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        return property is not null && property.GetMethod is not null && expected.IsAssignableFrom(property.PropertyType) ? property : null;
    }

    private sealed record Accessors(PropertyInfo? Command, PropertyInfo? Duration, PropertyInfo? Exception);
}
