using System.Diagnostics;
using System.Globalization;
using System.Text;
using MedCam.Dicom.Network.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MedCam.Dicom.Network.Tests;

/// <summary>
/// SIGKILL of a storage SCP process (tests/MedCam.Dicom.Network.Tests/ScpHost, the library's DicomFileStore in
/// Journal mode) at random moments while dcmtk's storescu sends a series. After the restart (journal replay) every
/// instance storescu saw acknowledged is at its final path with a byte-identical dataset, and nothing partial is
/// ever at a final path. Every other trial also deletes every final file before the restart, the worst a power
/// cut could do to writes that were never synced (a SIGKILL alone keeps the page cache), so those trials prove
/// the journal alone carries every acknowledged instance. Trials: MEDCAM_NET_KILL_TRIALS (default 6); seed:
/// MEDCAM_NET_KILL_SEED (printed, so a failing sequence can be replayed).
/// </summary>
public sealed class JournalCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Listener_KilledAtRandomMoments_EveryAcknowledgedInstanceRestoredByteIdentical()
    {
        var trials = int.TryParse(Environment.GetEnvironmentVariable("MEDCAM_NET_KILL_TRIALS"), CultureInfo.InvariantCulture, out var t) ? t : 6;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MEDCAM_NET_KILL_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        output.WriteLine($"SIGKILL trials: {trials}, seed {seed}");
        var random = new Random(seed);
        var files = await CtCorpus.UncompressedAsync(80, 128, 2);
        var sources = files.ToDictionary(f => DicomBytes.Meta(f).SopInstanceUid);
        using var temp = new TempDir("medcam-journal-kill");
        var totalAcknowledged = 0;
        for (var trial = 0; trial < trials; trial++)
        {
            var loseUnsynced = trial % 2 == 0;
            var root = temp.Sub($"trial-{trial}");
            var port = Peers.FreePort();

            // Trials that delete unsynced files never checkpoint, so nothing on disk was synced except the journal.
            var checkpointMs = loseUnsynced ? 3_600_000 : random.Next(20, 400);
            await using (var host = await ScpHostProcess.StartAsync(root, port, checkpointMs))
            {
                // Kill once storescu has seen a random number of successes, a few milliseconds later: mid-transfer.
                var killAfter = random.Next(1, files.Length);
                var log = new StringBuilder();
                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var sender = StartStorescu(port, files, line =>
                {
                    lock (log)
                    {
                        log.AppendLine(line);
                        if (Acknowledged(log.ToString()).Count >= killAfter)
                        {
                            reached.TrySetResult();
                        }
                    }
                });
                await Task.WhenAny(reached.Task, sender.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
                await Task.Delay(random.Next(0, 15));
                host.Kill();
                await sender.WaitForExitAsync();
                sender.WaitForExit();
                List<string> acknowledged;
                lock (log)
                {
                    acknowledged = Acknowledged(log.ToString());
                }

                totalAcknowledged += acknowledged.Count;
                var lost = 0;
                if (loseUnsynced)
                {
                    foreach (var file in FinalFiles(root))
                    {
                        File.Delete(file);
                        lost++;
                    }
                }

                await using var restarted = await ScpHostProcess.StartAsync(root, port, 1000);
                output.WriteLine($"trial {trial}: checkpoint {checkpointMs} ms, kill after ack {killAfter}: {acknowledged.Count}/{files.Length} acknowledged before SIGKILL, {lost} unsynced files deleted, replayed {restarted.Replayed}");
                if (loseUnsynced)
                {
                    Assert.True(restarted.Replayed >= acknowledged.Count, $"trial {trial}: replayed {restarted.Replayed} < {acknowledged.Count} acknowledged");
                }

                await restarted.StopAsync();
                var present = FinalFiles(root).ToDictionary(p => DicomBytes.Meta(p).SopInstanceUid);
                foreach (var path in acknowledged)
                {
                    var uid = DicomBytes.Meta(path).SopInstanceUid;
                    Assert.True(present.ContainsKey(uid), $"trial {trial}: acknowledged {Path.GetFileName(path)} is missing after restart");
                }

                // Nothing partial at a final path: every file there, acknowledged or not, is a whole instance.
                foreach (var (uid, path) in present)
                {
                    Assert.True(sources.TryGetValue(uid, out var source), $"trial {trial}: unknown file {path}");
                    Assert.True(DicomBytes.WireDataSet(source).AsSpan().SequenceEqual(DicomBytes.DataSet(path)), $"trial {trial}: {path} differs from {Path.GetFileName(source)}");
                }

                Assert.Empty(Directory.GetFiles(Path.Combine(root, ".incoming")));
            }
        }

        Assert.True(totalAcknowledged > 0, "No trial got any instance acknowledged before the kill; the test proved nothing.");
    }

    private static Process StartStorescu(int port, string[] files, Action<string> onLine)
    {
        var info = new ProcessStartInfo(Peers.Require("storescu"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-v", "-aet", "STORESCU", "-aec", "MEDCAM", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture) }.Concat(files))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TCP_NODELAY"] = "1";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Files storescu -v reported a success response for ("Sending file: X" ... "Received Store Response (Success)").</summary>
    private static List<string> Acknowledged(string log)
    {
        var acknowledged = new List<string>();
        string? current = null;
        foreach (var line in log.Split('\n'))
        {
            if (line.StartsWith("I: Sending file: ", StringComparison.Ordinal))
            {
                current = line["I: Sending file: ".Length..].Trim();
            }
            else if (line.StartsWith("I: Received Store Response (Success)", StringComparison.Ordinal) && current is not null)
            {
                acknowledged.Add(current);
                current = null;
            }
        }

        return acknowledged;
    }

    private static IEnumerable<string> FinalFiles(string root) => Directory.GetFiles(root, "*.dcm", SearchOption.AllDirectories)
        .Where(p => !Path.GetRelativePath(root, p).StartsWith('.'));

    /// <summary>The ScpHost child process.</summary>
    private sealed class ScpHostProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder log = new();

        private ScpHostProcess(Process process) => this.process = process;

        public int Replayed { get; private set; }

        public static async Task<ScpHostProcess> StartAsync(string root, int port, int checkpointMs)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { HostDll, root, port.ToString(CultureInfo.InvariantCulture), "Journal", checkpointMs.ToString(CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(argument);
            }

            var host = new ScpHostProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            host.process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (host.log)
                {
                    host.log.AppendLine(e.Data);
                }

                if (e.Data.StartsWith("replayed ", StringComparison.Ordinal))
                {
                    host.Replayed = int.Parse(e.Data["replayed ".Length..], CultureInfo.InvariantCulture);
                }
                else if (e.Data == "ready")
                {
                    ready.TrySetResult();
                }
            };
            host.process.ErrorDataReceived += (_, e) =>
            {
                lock (host.log)
                {
                    host.log.AppendLine(e.Data);
                }
            };
            host.process.BeginOutputReadLine();
            host.process.BeginErrorReadLine();
            if (await Task.WhenAny(ready.Task, host.process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))) != ready.Task)
            {
                host.Kill();
                throw new InvalidOperationException($"ScpHost did not get ready:\n{host.log}");
            }

            return host;
        }

        /// <summary>SIGKILL: no checkpoint, no disposal, sockets cut.</summary>
        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit();
        }

        /// <summary>Clean stop: closing stdin makes the host dispose the server and checkpoint the journal.</summary>
        public async Task StopAsync()
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            process.Dispose();
            return ValueTask.CompletedTask;
        }

        private static string HostDll
        {
            get
            {
                // The test project builds ScpHost (ProjectReference without its assembly) into its own bin folder.
                // A solution build compiles it in the solution's configuration; a project build may leave it in Debug.
                var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
                foreach (var c in new[] { configuration, configuration == "Release" ? "Debug" : "Release" })
                {
                    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                    {
                        var candidate = Path.Combine(dir.FullName, "ScpHost", "bin", c, "net10.0", "MedCam.Dicom.Network.ScpHost.dll");
                        if (File.Exists(candidate))
                        {
                            return candidate;
                        }
                    }
                }

                throw new InvalidOperationException("MedCam.Dicom.Network.ScpHost.dll not found: build tests/MedCam.Dicom.Network.Tests (it builds ScpHost).");
            }
        }
    }
}
