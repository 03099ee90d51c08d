namespace IncidentBot.Inbound;

/// <summary>
/// Reads a request body up to a limit, without trusting Content-Length to be there or to be honest. Webhooks,
/// Slack and Teams all read their bodies through it, so none of them buffers more than its limit.
/// </summary>
public static class BoundedBodyReader
{
    /// <summary>Null when the body is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(Stream body, long? contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength > maxBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream(contentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
