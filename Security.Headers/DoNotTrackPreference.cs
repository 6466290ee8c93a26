namespace Security.Headers;

/// <summary>
/// The client's tracking preference, from the request's <c>DNT</c> and <c>Sec-GPC</c> (Global
/// Privacy Control, DNT's successor) headers. Read it with <c>HttpContext.GetDoNotTrack()</c>.
/// </summary>
/// <param name="DoNotTrack">
/// <see langword="true"/> for <c>DNT: 1</c>, <see langword="false"/> for any other <c>DNT</c> value,
/// <see langword="null"/> when the header is absent.
/// </param>
/// <param name="GlobalPrivacyControl"><see langword="true"/> for <c>Sec-GPC: 1</c>.</param>
public readonly record struct DoNotTrackPreference(bool? DoNotTrack, bool GlobalPrivacyControl)
{
    /// <summary>Whether the client asked not to be tracked by either header.</summary>
    public bool OptedOut => DoNotTrack == true || GlobalPrivacyControl;
}
