using System.CommandLine;
using System.Diagnostics;
using MedCam.Dicom.Network;
using MedCam.Dicom.Network.Client;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom send HOST PORT FILES|DIRS...</c>: C-STORE every file in its own transfer syntax.</summary>
internal static class DicomNetSendCommand
{
    public static Command Create()
    {
        var host = new Argument<string>("host") { Description = "Peer host name or address." };
        var port = new Argument<int>("port") { Description = "Peer DICOM port." };
        var inputs = new Argument<string[]>("paths") { Description = "DICOM files and/or folders (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var aet = DicomNetCommon.CallingAe();
        var aec = DicomNetCommon.CalledAe();
        var tls = DicomNetCommon.Tls();
        var trust = DicomNetCommon.TlsTrust();
        var retries = new Option<int>("--retries") { Description = "Association retries on transient failures.", DefaultValueFactory = _ => 3 };
        var verbose = DicomNetCommon.Verbose();
        var command = new Command("send", "Send DICOM files to a peer with C-STORE (one association per 128 SOP class/transfer syntax pairs).");
        command.Arguments.Add(host);
        command.Arguments.Add(port);
        command.Arguments.Add(inputs);
        foreach (var option in new Option[] { aet, aec, tls, trust, retries, verbose })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var (h, p, a, c) = (parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(aet)!, parse.GetValue(aec)!);
            if (!DicomNetCommon.ValidAe(a, "--aet", out var error) || !DicomNetCommon.ValidAe(c, "--aec", out error))
            {
                Console.Error.WriteLine($"medcam dicom send: {error}");
                return 2;
            }

            var files = new List<string>();
            foreach (var input in parse.GetValue(inputs)!)
            {
                if (Directory.Exists(input))
                {
                    files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal));
                }
                else if (File.Exists(input))
                {
                    files.Add(input);
                }
                else
                {
                    Console.Error.WriteLine($"medcam dicom send: {input}: no such file or folder.");
                    return 2;
                }
            }

            using var logging = DicomNetCommon.Logging(parse.GetValue(verbose));
            var client = new DicomClient(DicomNetCommon.ClientOptions(h, p, a, c, DicomNetCommon.ClientTls(parse.GetValue(tls), parse.GetValue(trust), h), parse.GetValue(retries)), logging);
            var clock = Stopwatch.StartNew();
            try
            {
                var results = await client.StoreFilesAsync(files, cancellationToken).ConfigureAwait(false);
                var seconds = clock.Elapsed.TotalSeconds;
                foreach (var failed in results.Where(r => !r.Succeeded))
                {
                    Console.Error.WriteLine(failed.Error?.StartsWith(failed.Path, StringComparison.Ordinal) == true ? failed.Error : $"{failed.Path}: {failed.Error}");
                }

                var sent = results.Where(r => r.Succeeded).ToList();
                var megabytes = sent.Sum(r => new FileInfo(r.Path).Length) / 1e6;
                Console.WriteLine($"Sent {sent.Count}/{results.Count} instances ({megabytes:0.0} MB) to {c}@{h}:{p} in {seconds:0.00} s ({megabytes / Math.Max(seconds, 1e-9):0.0} MB/s).");
                return sent.Count == results.Count ? 0 : 1;
            }
            catch (DicomNetworkException ex)
            {
                Console.Error.WriteLine($"medcam dicom send: {c}@{h}:{p}: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
