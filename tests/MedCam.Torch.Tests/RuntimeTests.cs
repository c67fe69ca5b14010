namespace MedCam.Torch.Tests;

public sealed class RuntimeTests
{
    [Fact]
    public void LibTorchVersion_DebianLibTorch_Is113OrNewer()
    {
        var version = Version.Parse(TorchRuntime.LibTorchVersion.Split('+', 'a')[0]);
        Assert.True(version >= new Version(1, 13), TorchRuntime.LibTorchVersion);
    }

    [Fact]
    public void CudaAvailable_CpuOnlyHost_FalseWithNoDevices()
    {
        // CI hosts have no GPU; a CUDA build on a GPU host reports true and a positive count.
        Assert.Equal(TorchRuntime.CudaAvailable, TorchRuntime.CudaDeviceCount > 0);
    }

    [Fact]
    public void Blas_OpenBlasInstalled_IsTheOneLibTorchUses()
    {
        Assert.True(File.Exists("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"),
            "libopenblas0-pthread is not installed (setup installs it)");
        Assert.StartsWith("OpenBLAS", TorchRuntime.Blas, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetLayers_PerModelStyle_AsExported()
    {
        using var simple = TorchModel.Load(TestModels.PathOf("cnn2d_simple.pt"));
        using var package = TorchModel.Load(TestModels.PathOf("cnn3d_package/model.pt"));
        using var traced = TorchModel.Load(TestModels.PathOf("cnn2d_traced/model.pt"));
        using var plain = TorchModel.Load(TestModels.PathOf("plain.pt"));
        using var residual = TorchModel.Load(TestModels.PathOf("cnn2d_residual/model.pt"));

        Assert.Equal(["features"], simple.TargetLayers);
        Assert.True(simple.HasHead("features"));
        Assert.Equal(["stem", "block"], package.TargetLayers);
        Assert.True(package.HasHead("stem") && package.HasHead("block"));
        Assert.Equal(["block"], traced.TargetLayers);
        Assert.False(traced.HasHead("block"));
        Assert.Empty(plain.TargetLayers);
        Assert.Equal(["stem", "block.conv"], residual.TargetLayers);
        Assert.True(residual.HasHead("stem"));
        Assert.False(residual.HasHead("block.conv"));
        Assert.Equal("cpu", simple.Device);
    }
}
