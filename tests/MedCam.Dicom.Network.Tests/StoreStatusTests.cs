using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Pdus;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>C-STORE status codes of the storage SCP (PS3.4 B.2.3).</summary>
public sealed class StoreStatusTests
{
    [Fact]
    public async Task Store_FreeSpaceBelowWatermark_AnswersOutOfResourcesAndKeepsNothing()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(3).ToArray();
        await using var scp = await ScpHarness.StartAsync(store: o => o with { MinimumFreeBytes = long.MaxValue });

        var results = await Client(scp.Port).StoreFilesAsync(files);

        Assert.All(results, r => Assert.Equal(DimseStatus.OutOfResources, r.Status));
        Assert.Empty(scp.ReceivedFiles());
    }

    [Fact]
    public async Task Associate_UnknownSopClass_ContextRefusedAndFilesReportedUnsent()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(2).ToArray();
        await using var scp = await ScpHarness.StartAsync(b => b.AcceptStorageSopClasses(uid => DicomNetworkUids.IsStorageSopClass(uid) && uid != "1.2.840.10008.5.1.4.1.1.2"));
        var association = await Client(scp.Port).AssociateAsync(
        [
            new PresentationContextProposal(1, "1.2.840.10008.5.1.4.1.1.2", [DicomNetworkUids.ExplicitVrLittleEndian]),
            new PresentationContextProposal(3, "1.2.3.4.5.6.7", [DicomNetworkUids.ExplicitVrLittleEndian]),
            new PresentationContextProposal(5, DicomNetworkUids.Verification, [DicomNetworkUids.ImplicitVrLittleEndian]),
        ]);
        await using (association)
        {
            Assert.Equal([(byte)5], association.PresentationContexts.Select(c => c.Id));
            Assert.All(association.Accept.PresentationContexts.Where(c => c.Id != 5), c => Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, c.Result));
            var result = await association.StoreFileAsync(files[0]);
            Assert.Null(result.Status);
            Assert.Contains("No accepted presentation context", result.Error, StringComparison.Ordinal);

            // A C-STORE sent on a context that does not offer storage is refused with 0x0122.
            var verification = association.PresentationContexts[0];
            using var data = new MemoryStream(DicomBytes.DataSet(files[0]));
            var response = await association.StoreAsync(verification, "1.2.3.4", data, data.Length);
            Assert.Equal(DimseStatus.SopClassNotSupported, response.Status);
            await association.ReleaseAsync();
        }

        Assert.Empty(scp.ReceivedFiles());
    }

    [Fact]
    public async Task Negotiation_PreferredTransferSyntax_OverridesProposerOrder()
    {
        await using var scp = await ScpHarness.StartAsync(b => b.PreferTransferSyntaxes(DicomNetworkUids.ImplicitVrLittleEndian));
        var association = await Client(scp.Port).AssociateAsync(
        [
            new PresentationContextProposal(1, "1.2.840.10008.5.1.4.1.1.2", [DicomNetworkUids.ExplicitVrLittleEndian, DicomNetworkUids.ImplicitVrLittleEndian]),
            new PresentationContextProposal(3, "1.2.840.10008.5.1.4.1.1.7", ["1.2.840.10008.1.2.4.70"]),
        ]);
        await using (association)
        {
            Assert.Equal(DicomNetworkUids.ImplicitVrLittleEndian, association.FindContext("1.2.840.10008.5.1.4.1.1.2")!.TransferSyntax);
            Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported, association.Accept.PresentationContexts.Single(c => c.Id == 3).Result);
            await association.ReleaseAsync();
        }
    }

    private static DicomClient Client(int port) => new(new DicomClientOptions
    {
        Host = "127.0.0.1",
        Port = port,
        CalledAeTitle = ScpHarness.AeTitle,
        Retry = new DicomRetryOptions { MaxRetryAttempts = 0 },
    });
}
