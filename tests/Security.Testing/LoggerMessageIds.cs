using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Security.Testing;

/// <summary>The event ids a package logs with: those of its <see cref="LoggerMessageAttribute"/> methods.</summary>
public static class LoggerMessageIds
{
    /// <summary>Every <see cref="LoggerMessageAttribute.EventId"/> declared in <paramref name="assembly"/>, nested types included.</summary>
    /// <param name="assembly">A package, e.g. <c>typeof(SessionExpiryOptions).Assembly</c>.</param>
    public static int[] Of(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToArray();
    }
}
