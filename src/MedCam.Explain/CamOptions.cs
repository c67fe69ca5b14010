namespace MedCam.Explain;

/// <summary>Optional smoothing of the final map on the input grid, before normalisation.</summary>
public enum PostFilterKind
{
    None,

    /// <summary>Separable Gaussian, σ per spatial axis in voxels (<see cref="CamOptions.GaussianSigma"/>).</summary>
    Gaussian,

    /// <summary>TAM's rank Gaussian filter, 3×3 (×3) window.</summary>
    RankGaussian,
}

/// <summary>Settings shared by all methods; each method reads only the ones it documents. Defaults follow the papers.</summary>
public sealed record CamOptions
{
    public static CamOptions Default { get; } = new();

    /// <summary>Layers to explain at (null: all of the model's target layers). Several layers are fused.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    public PostFilterKind PostFilter { get; init; } = PostFilterKind.None;

    /// <summary>Gaussian post-filter σ in voxels: one value for every spatial axis, or one per axis.</summary>
    public IReadOnlyList<double> GaussianSigma { get; init; } = [1.0];

    /// <summary>Largest batch sent to the model by Score-CAM, Ablation-CAM, Smooth Grad-CAM++ and the metrics.</summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>Smooth Grad-CAM++: number of noisy copies (Omeiza et al.; MedCam's default 8).</summary>
    public int SmoothSamples { get; init; } = 8;

    /// <summary>Smooth Grad-CAM++: noise σ as a fraction of each sample's (max − min) (default 0.15).</summary>
    public double SmoothNoiseFraction { get; init; } = 0.15;

    /// <summary>Seed of the noise (Smooth Grad-CAM++, ROAD): results are reproducible.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>LayerCAM: rescale the layer map by tanh(γ·L / max L), for shallow layers (Jiang et al. 2021).</summary>
    public bool LayerCamTanhRescale { get; init; }

    /// <summary>LayerCAM: γ of the tanh rescale (2 in the paper).</summary>
    public double LayerCamGamma { get; init; } = 2.0;

    /// <summary>Eigen-CAM: centre the activation matrix's columns before the SVD (the paper does not; pytorch-grad-cam does).</summary>
    public bool EigenCamCenter { get; init; }

    /// <summary>Score-CAM: subtract the probability of the all-zero (baseline) input from each s_k.</summary>
    public bool ScoreCamSubtractBaseline { get; init; }
}
