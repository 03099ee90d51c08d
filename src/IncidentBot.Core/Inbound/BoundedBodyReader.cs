using System.Buffers;

namespace IncidentBot.Inbound;

/// <summary>
/// Reads a request body up to a limit, without trusting Content-Length to be there or to be honest. Webhooks,
/// Slack and Teams all read their bodies through it, so none of them buffers more than its limit.
/// </summary>
public static class BoundedBodyReader
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>Null when the body is larger than <paramref name="maxBytes"/>.</summary>
    /// <remarks>
    /// A body that says its length is read straight into an array of that length, the one returned: in a storm of
    /// 100 KB webhooks, copying it through a growing buffer and a fresh read chunk allocated three times its size for
    /// every request. The length is still not trusted: a body that ends early is returned as it came, and one that goes
    /// on is read on under the limit.
    /// </remarks>
    public static async Task<byte[]?> ReadAsync(Stream body, long? contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength > maxBytes)
        {
            return null;
        }
        if (contentLength is not { } length)
        {
            return await ReadOnAsync(body, [], maxBytes, cancellationToken);
        }

        var declared = new byte[length];
        var filled = await body.ReadAtLeastAsync(declared, declared.Length, throwOnEndOfStream: false, cancellationToken);
        if (filled < declared.Length)
        {
            return declared[..filled];
        }
        return await ReadOnAsync(body, declared, maxBytes, cancellationToken);
    }

    /// <summary>What is left of the body after <paramref name="start"/>; <paramref name="start"/> itself if nothing is.</summary>
    private static async Task<byte[]?> ReadOnAsync(Stream body, byte[] start, long maxBytes, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var read = await body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken);
            if (read == 0)
            {
                return start;
            }
            using var buffer = new MemoryStream();
            buffer.Write(start);
            do
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken)) > 0);
            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
