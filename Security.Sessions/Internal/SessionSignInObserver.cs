using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Security.Abstractions;

namespace Security.Sessions.Internal;

/// <summary>
/// At every sign-in: records the sign-in time in the ticket (which renewal keeps, so the absolute
/// limit counts from it), and starts the user on an empty session under a new key, so nothing put
/// in the session before (by another user, an anonymous visitor, or whoever planted the session
/// cookie) is visible to the user, and the cookie held before no longer reaches their data.
/// </summary>
internal sealed partial class SessionSignInObserver(TimeProvider time, SessionRenewer renewer, ILogger<SessionSignInObserver> logger)
    : ISecuritySignInObserver
{
    private static readonly object SignedInItem = new();

    public ValueTask OnSigningInAsync(SecuritySignIn signIn)
    {
        var user = SessionUser.Key(signIn.Principal);

        // Identity's RefreshSignInAsync signs the same user in again with the current ticket's
        // properties: the same sign-in, so neither its time nor the session starts over.
        if (user is null || SignInRecord.IsRecordedFor(signIn.Properties, user))
        {
            return ValueTask.CompletedTask;
        }

        var now = time.GetUtcNow();
        SignInRecord.Write(signIn.Properties, now, user);
        signIn.HttpContext.Items[SignedInItem] = new SessionTimes(now, now, user);
        return ValueTask.CompletedTask;
    }

    public async ValueTask OnSignedInAsync(SecuritySignIn signIn)
    {
        var context = signIn.HttpContext;
        if (!context.Items.Remove(SignedInItem, out var value) || value is not SessionTimes times
            || context.Features.Get<ISessionFeature>()?.Session is not { } session)
        {
            return;
        }

        try
        {
            await session.LoadAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Cleared and renewed all the same; the new session is stored once the store is back.
            Log.SessionNotLoaded(logger, ex);
        }

        session = await renewer.StartOverAsync(context, session);
        times.Write(session);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4006, EventName = "SessionNotLoadedAtSignIn", Level = LogLevel.Warning,
            Message = "The session store could not be read at sign-in; the session is started over without its old content.")]
        public static partial void SessionNotLoaded(ILogger logger, Exception exception);
    }
}
