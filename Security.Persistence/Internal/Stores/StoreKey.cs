using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// Maps a caller's key (throttle key, user id) to the stored key. Keys can carry user input (a typed username):
/// one that is too long, or that PostgreSQL text cannot hold (NUL, half a surrogate pair), is stored as its
/// SHA-256, so it still counts exactly and never fails the statement.
/// </summary>
internal static class StoreKey
{
    public static string ToStored(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length <= SecurityModelBuilderExtensions.MaxKeyLength && StoreText.IsStorable(key))
        {
            return key;
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(key.AsSpan())));
    }
}
