using System.Diagnostics;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted on a fresh temp folder, so a test can fill a real file system under LiteDB. Tests run as
/// root on Linux; where mounting is not permitted the test is skipped locally and fails under CI.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string folder) => Folder = folder;

    public string Folder { get; }

    public static TmpfsMount Create(int megabytes)
    {
        var folder = Directory.CreateTempSubdirectory("incidentbot-tmpfs-").FullName;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder);
        if (exitCode == 0)
        {
            return new TmpfsMount(folder);
        }
        Directory.Delete(folder);
        var why = $"cannot mount a tmpfs here ({output.Trim()})";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"CI must be able to fill a real file system: {why}");
        }
        throw new SkipException(why);
    }

    /// <summary>Writes a file until the file system refuses with "No space left on device".</summary>
    public string FillUp() => FillUp(Folder);

    /// <summary>Writes a file into <paramref name="folder"/> until its file system refuses with "No space left on device".</summary>
    public static string FillUp(string folder)
    {
        var filler = Path.Combine(folder, "filler");
        var block = new byte[4096];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the file system is full, which is what the caller wanted.
        }
        return filler;
    }

    public void Dispose()
    {
        // A lazy unmount succeeds even while a process that failed to stop still holds a file open.
        Run("umount", "-l", Folder);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
