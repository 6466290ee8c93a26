namespace Security.CrossOrigin.Internal;

/// <summary>Marks every metadata type of this package, so one lookup tells whether an endpoint has any.</summary>
internal interface ICrossOriginMetadata;
