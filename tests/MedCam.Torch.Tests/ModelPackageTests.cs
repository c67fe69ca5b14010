namespace MedCam.Torch.Tests;

public sealed class ModelPackageTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("medcam-torch-package-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public void Open_ExportedPackage_ReadsTheCard()
    {
        var package = ModelPackage.Open(TestModels.PathOf("cnn3d_package"));

        Assert.True(package.HasCard);
        Assert.Equal("cnn3d-test", package.Card.Name);
        Assert.Equal("1.0.0", package.Card.Version);
        Assert.Equal("CT", package.Card.Modality);
        Assert.Equal([-1, 1, 32, 32, 32], package.Card.Input.Shape);
        Assert.Equal(["healthy", "pneumonia", "covid"], package.Card.ClassNames);
        Assert.Equal(["stem", "block"], package.Card.TargetLayers);
        Assert.Equal([1.0], package.Card.Preprocessing.Normalisation!.Std);
        Assert.Equal("covid", package.Card.ClassName(2));
        using var model = package.Load();
        Assert.Equal([-1, 1, 32, 32, 32], model.ExpectedInputShape);
    }

    [Fact]
    public void Open_BareModelPt_DefaultCardWithIndexClassNames()
    {
        var package = ModelPackage.Open(TestModels.PathOf("cnn2d_simple.pt"));

        Assert.False(package.HasCard);
        Assert.Equal("cnn2d_simple", package.Card.Name);
        Assert.Equal("2", package.Card.ClassName(2));
        using var model = package.Load();
        Assert.Equal(["features"], package.DefaultTargetLayers(model));
        Assert.Null(model.ExpectedInputShape);
        var result = model.Explain(new Reference("cnn2d").Input, package.DefaultTargetLayers(model), [0, 1, 2]);
        Assert.Equal([3, 3], result.Logits.Shape);
    }

    [Fact]
    public void Load_CardNamingMissingLayer_ThrowsUnknownLayer()
    {
        var folder = Path.Combine(scratch, "pkg");
        Directory.CreateDirectory(folder);
        File.Copy(TestModels.PathOf("cnn2d_simple.pt"), Path.Combine(folder, "model.pt"));
        new ModelCard { Name = "x", TargetLayers = ["layer4"] }.Write(Path.Combine(folder, "model.json"));

        var error = Assert.Throws<UnknownLayerException>(() => ModelPackage.Open(folder).Load());
        Assert.Contains("layer4", error.Message, StringComparison.Ordinal);
        Assert.Contains("it has: features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MalformedCard_ThrowsModelLoad()
    {
        var folder = Path.Combine(scratch, "bad");
        Directory.CreateDirectory(folder);
        File.Copy(TestModels.PathOf("cnn2d_simple.pt"), Path.Combine(folder, "model.pt"));
        File.WriteAllText(Path.Combine(folder, "model.json"), "{ \"name\": ");

        var error = Assert.Throws<ModelLoadException>(() => ModelPackage.Open(folder));
        Assert.Contains("model.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithoutModel_ThrowsModelLoad()
    {
        var error = Assert.Throws<ModelLoadException>(() => ModelPackage.Open(scratch));
        Assert.Contains("has no model.pt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_WriteThenRead_RoundTrips()
    {
        var card = new ModelCard
        {
            Name = "covid-ct",
            Version = "2.1",
            Modality = "CT",
            Input = new ModelInputSpec { Shape = [-1, 1, 64, 128, 128], Channels = ["HU"] },
            Preprocessing = new Preprocessing
            {
                Windowing = new Windowing(-600, 1500),
                Spacing = [2.0, 1.0, 1.0],
                Resize = [64, 128, 128],
                Normalisation = new Normalisation { Mean = [0.5], Std = [0.25], ScaleToUnit = true },
            },
            ClassNames = ["covid", "other"],
            TargetLayers = ["layer4"],
            IntendedUse = "research",
            TrainingData = "MosMedData",
            Metrics = new Dictionary<string, double> { ["auc"] = 0.91 },
        };
        var path = Path.Combine(scratch, "model.json");
        card.Write(path);

        var read = ModelCard.Read(path);

        Assert.Equal(-600, read.Preprocessing.Windowing!.Center);
        Assert.Equal([2.0, 1.0, 1.0], read.Preprocessing.Spacing);
        Assert.True(read.Preprocessing.Normalisation!.ScaleToUnit);
        Assert.Equal(0.91, read.Metrics["auc"]);
        Assert.Contains("\"class_names\"", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Contains("\"intended_use\"", File.ReadAllText(path), StringComparison.Ordinal);
    }
}
