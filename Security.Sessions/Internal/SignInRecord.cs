using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace Security.Sessions.Internal;

/// <summary>
/// The sign-in time and user kept in the authentication ticket's properties: written at sign-in,
/// carried over unchanged by every renewal of the ticket, and protected with it, so the client can
/// neither restart nor forge it.
/// </summary>
internal static class SignInRecord
{
    internal const string TimeItem = "Security.Sessions.SignedIn";
    internal const string UserItem = "Security.Sessions.SignedInUser";

    public static void Write(AuthenticationProperties properties, DateTimeOffset signedIn, string user)
    {
        properties.Items[TimeItem] = signedIn.UtcTicks.ToString(CultureInfo.InvariantCulture);
        properties.Items[UserItem] = user;
    }

    /// <summary>The recorded sign-in time; <see langword="false"/> when the ticket predates the record or it is unreadable.</summary>
    public static bool TryReadTime(AuthenticationProperties? properties, out DateTimeOffset signedIn)
    {
        signedIn = default;
        if (properties is null
            || !properties.Items.TryGetValue(TimeItem, out var text)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        signedIn = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// Whether these properties already record a sign-in of <paramref name="user"/>: a re-issue of the
    /// same sign-in, such as Identity's <c>RefreshSignInAsync</c>, which signs in again with the current ticket's properties.
    /// </summary>
    public static bool IsRecordedFor(AuthenticationProperties properties, string user) =>
        TryReadTime(properties, out _)
        && properties.Items.TryGetValue(UserItem, out var recorded)
        && string.Equals(recorded, user, StringComparison.Ordinal);
}
