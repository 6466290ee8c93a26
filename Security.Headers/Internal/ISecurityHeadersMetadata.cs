namespace Security.Headers.Internal;

/// <summary>
/// Marks every metadata type of this package, so one lookup tells whether an endpoint has any, and
/// one scan of the app's endpoints tells whether requests need to look at all.
/// </summary>
internal interface ISecurityHeadersMetadata;
