using System.Globalization;
using System.Net;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;

// Usage: ScpHost <root> <port> <Journal|PerFileFsync|None> <checkpoint ms>
// Prints "replayed N" and "ready" once listening; runs until killed or until stdin closes (clean stop).
var root = args[0];
var port = int.Parse(args[1], CultureInfo.InvariantCulture);
var durability = Enum.Parse<StoreDurability>(args[2]);
var checkpoint = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));
var store = new DicomFileStore(new DicomFileStoreOptions
{
    Root = root,
    Durability = durability,
    MinimumFreeBytes = 0,
    JournalSegmentBytes = 8L * 1024 * 1024,
    JournalCheckpointInterval = checkpoint,
});
await using (store)
{
    var server = new DicomServerBuilder().ListenOn(IPAddress.Loopback, port).WithAeTitle("MEDCAM").UseStore(store).Build();
    await using (server)
    {
        await server.StartAsync(CancellationToken.None);
        Console.WriteLine($"replayed {store.ReplayedInstances}");
        Console.WriteLine("ready");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
    }
}
