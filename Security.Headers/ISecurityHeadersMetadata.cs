namespace Security.Headers;

/// <summary>
/// Marks every metadata type of this package, so a request to an endpoint without any pays one
/// metadata lookup only.
/// </summary>
internal interface ISecurityHeadersMetadata;
