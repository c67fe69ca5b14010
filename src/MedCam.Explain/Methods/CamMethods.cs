namespace MedCam.Explain.Methods;

/// <summary>The methods by their command-line names.</summary>
public static class CamMethods
{
    /// <summary>All method names, in the order <c>--method all</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["cam", "gradcam", "gradcam++", "smoothgradcam++", "xgradcam", "layercam", "hirescam", "eigencam", "scorecam", "ablationcam", "cfcam"];

    public static CamMethod Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "cam" => new ClassActivationMap(),
            "gradcam" or "grad-cam" => new GradCam(),
            "gradcam++" or "grad-cam++" or "gradcampp" => new GradCamPlusPlus(),
            "smoothgradcam++" or "smooth-grad-cam++" or "smoothgradcampp" => new SmoothGradCamPlusPlus(),
            "xgradcam" or "xgrad-cam" => new XGradCam(),
            "layercam" => new LayerCam(),
            "hirescam" => new HiResCam(),
            "eigencam" => new EigenCam(),
            "scorecam" or "score-cam" => new ScoreCam(),
            "ablationcam" or "ablation-cam" => new AblationCam(),
            "cfcam" or "cf-cam" => new CfCam(),
            _ => throw new ArgumentException($"Unknown CAM method '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
