using IncidentBot.Access;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IncidentBot.Backups;

/// <summary>
/// <c>POST /api/admin/backup</c>: the running bot's consistent copy of its data, for the <c>backup</c> command.
/// It sits under <c>/api</c>, so it has the API's access rule: callers on this machine, or the console access token.
/// It needs the responder role, which the <c>backup</c> command on this machine has while no <c>Access</c> list is set
/// (the copy holds nothing a responder cannot read, and token hashes, which open nothing).
/// </summary>
internal static class BackupEndpoints
{
    /// <summary>Names the data file the copy came from, so the command can tell it asked the right bot.</summary>
    public const string DataFileHeader = "IncidentBot-Data-File";

    public static RouteGroupBuilder MapBackupEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/admin").WithTags("Admin").RequireRole(AccessRole.Responder);
        // The copy is streamed back rather than written to a path the caller names: a request must never choose
        // where the bot writes, and the caller may be on another file system (kubectl port-forward).
        group.MapPost("/backup", BackupAsync).WithName("Backup")
            .WithSummary("A consistent copy of the data file, taken between two writes; 409 with what to do instead when the store is PostgreSQL.");
        return group;
    }

    /// <summary>
    /// The store is resolved here rather than injected: with PostgreSQL there is no <see cref="IStorageBackup"/>, and the
    /// caller is told to use pg_dump instead.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> BackupAsync(IConfiguration configuration, HttpContext context)
    {
        if (PostgresBackupAdvice.UsesPostgres(configuration) || context.RequestServices.GetService<IStorageBackup>() is not { } storage)
        {
            return TypedResults.Problem(PostgresBackupAdvice.Backup(configuration), statusCode: StatusCodes.Status409Conflict, title: "Back up PostgreSQL with pg_dump");
        }
        context.Response.Headers[DataFileHeader] = storage.Location;
        return TypedResults.File(await storage.OpenBackupAsync(context.RequestAborted), "application/octet-stream", "incidentbot-backup.db");
    }
}
