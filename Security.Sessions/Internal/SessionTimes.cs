using System.Buffers.Binary;
using Microsoft.AspNetCore.Http;

namespace Security.Sessions.Internal;

/// <summary>
/// The start and last-activity times kept in <see cref="ISession"/>, and the user the session
/// belongs to. Times are UTC ticks in 8 bytes so a value is either whole or unreadable.
/// </summary>
internal readonly record struct SessionTimes(DateTimeOffset Start, DateTimeOffset LastActivity, string? Owner)
{
    internal const string StartKey = "Security.Sessions.Start";
    internal const string LastActivityKey = "Security.Sessions.LastActivity";
    internal const string OwnerKey = "Security.Sessions.Owner";

    /// <summary>Reads the times; <see langword="null"/> when either is missing or unreadable.</summary>
    public static SessionTimes? Read(ISession session)
    {
        if (!TryReadTime(session, StartKey, out var start) || !TryReadTime(session, LastActivityKey, out var last))
        {
            return null;
        }

        return new SessionTimes(start, last, session.GetString(OwnerKey));
    }

    public void Write(ISession session)
    {
        WriteTime(session, StartKey, Start);
        WriteTime(session, LastActivityKey, LastActivity);
        if (Owner is null)
        {
            session.Remove(OwnerKey);
        }
        else
        {
            session.SetString(OwnerKey, Owner);
        }
    }

    public static void WriteLastActivity(ISession session, DateTimeOffset now) => WriteTime(session, LastActivityKey, now);

    private static bool TryReadTime(ISession session, string key, out DateTimeOffset value)
    {
        value = default;
        if (!session.TryGetValue(key, out var bytes) || bytes.Length != sizeof(long))
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static void WriteTime(ISession session, string key, DateTimeOffset value)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value.UtcTicks);
        session.Set(key, bytes);
    }
}
