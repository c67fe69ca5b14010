using MedCam.Imaging.ColorMaps;
using MedCam.Imaging.Fonts;

namespace MedCam.Imaging.Rendering;

/// <summary>
/// Places the burned-in text blocks and colour bar in the four corners: model and method top-left, target and
/// probability top-right, disclaimer bottom-left, colour bar bottom-right. The font scale follows the frame size; in
/// corners it shrinks until the blocks of each row fit side by side; lines still too long are cut with "...".
/// </summary>
internal sealed class AnnotationLayout
{
    private const string BarTitle = "CAM";

    private AnnotationLayout(int scale, Block topLeft, Block topRight, Block bottomLeft, Block bottomRight, int frameWidth)
    {
        Scale = scale;
        TopLeft = topLeft;
        TopRight = topRight;
        BottomLeft = bottomLeft;
        BottomRight = bottomRight;
        FrameWidth = frameWidth;
    }

    public int Scale { get; }

    public Block TopLeft { get; }

    public Block TopRight { get; }

    public Block BottomLeft { get; }

    public Block BottomRight { get; }

    public int FrameWidth { get; }

    public int Margin => 2 * Scale;

    public int TopBand => Math.Max(TopLeft.Height, TopRight.Height) is var h and > 0 ? h + (2 * Margin) : 0;

    public int BottomBand => Math.Max(BottomLeft.Height, BottomRight.Height) is var h and > 0 ? h + (2 * Margin) : 0;

    public bool HasText => !TopLeft.IsEmpty || !TopRight.IsEmpty || !BottomLeft.IsEmpty || !BottomRight.IsEmpty;

    public static int AutoScale(int width, int height) => Math.Max(1, (int)Math.Round(Math.Min(width, height) / 384.0));

    public static AnnotationLayout Create(int width, int height, OverlayOptions options)
    {
        var font = BitmapFont.Default;
        var a = options.Annotations;
        var tl = Lines(a?.ModelLine, a?.Method);
        var tr = Lines(a?.TargetLine, a?.Detail);
        var bl = Lines(options.Disclaimer);
        var scale = options.TextScale > 0 ? options.TextScale : AutoScale(width, height);
        if (options.Placement == AnnotationPlacement.Bands)
        {
            // The band height must not depend on the text (frames of one series share one size), so bands keep the
            // scale and cut lines that do not fit instead of shrinking.
            return Build(scale, width, tl, tr, bl, options, font, truncate: true);
        }

        while (true)
        {
            var layout = Build(scale, width, tl, tr, bl, options, font, truncate: scale == 1);
            if (scale == 1 || layout.Fits())
            {
                return layout;
            }

            scale--;
        }
    }

    private static string[] Lines(params string?[] lines) =>
        lines.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!.Trim()).ToArray();

    private static AnnotationLayout Build(int scale, int width, string[] tl, string[] tr, string[] bl, OverlayOptions options, BitmapFont font, bool truncate)
    {
        var pad = 2 * scale;
        var margin = 2 * scale;
        var gap = 4 * scale;
        var half = ((width - (2 * margin) - gap) / 2) - (2 * pad);
        var barLength = Math.Max(16 * scale, Math.Min(width / 6, 160 * scale));
        var bar = options.ShowColorBar
            ? new Block([], options.TextColor, pad, font, scale, ColorBarWidth(font, scale, barLength), barLength, options.Heatmap)
            : Block.Empty;
        if (truncate)
        {
            // At the smallest scale, each corner gets half the row (the colour bar keeps its own width).
            var bottomLimit = bar.IsEmpty ? (width - (2 * margin)) - (2 * pad) : width - (2 * margin) - gap - bar.Width - (2 * pad);
            tl = tl.Select(l => Cut(l, half, font, scale)).ToArray();
            tr = tr.Select(l => Cut(l, half, font, scale)).ToArray();
            bl = bl.Select(l => Cut(l, bottomLimit, font, scale)).ToArray();
        }

        return new AnnotationLayout(
            scale,
            new Block(tl, options.TextColor, pad, font, scale),
            new Block(tr, options.TextColor, pad, font, scale),
            new Block(bl, options.DisclaimerColor, pad, font, scale),
            bar,
            width);
    }

    private static int ColorBarWidth(BitmapFont font, int scale, int barLength) =>
        font.MeasureWidth(BarTitle + " 0", scale) + (3 * scale) + barLength + (3 * scale) + font.MeasureWidth("1", scale);

    private static string Cut(string line, int maxWidth, BitmapFont font, int scale)
    {
        if (font.MeasureWidth(line, scale) <= maxWidth)
        {
            return line;
        }

        var keep = ((maxWidth / scale) + 1) / font.Advance - 3;
        return keep <= 0 ? "" : string.Concat(line.AsSpan(0, Math.Min(keep, line.Length)), "...");
    }

    private bool Fits()
    {
        var room = FrameWidth - (2 * Margin) - (4 * Scale);
        return TopLeft.Width + TopRight.Width <= room && BottomLeft.Width + BottomRight.Width <= room;
    }

    /// <summary>Draws every block; <paramref name="boxes"/> draws the translucent boxes behind them.</summary>
    public void Draw(RgbCanvas canvas, OverlayOptions options, bool boxes)
    {
        var m = Margin;
        var w = canvas.Width;
        var h = canvas.Height;
        TopLeft.Draw(canvas, m, m, options, boxes);
        TopRight.Draw(canvas, w - m - TopRight.Width, m, options, boxes);
        BottomLeft.Draw(canvas, m, h - m - BottomLeft.Height, options, boxes);
        BottomRight.Draw(canvas, w - m - BottomRight.Width, h - m - BottomRight.Height, options, boxes);
    }

    internal sealed class Block
    {
        private readonly BitmapFont _font;
        private readonly int _pad;
        private readonly int _barLength;
        private readonly HeatmapStyle? _bar;

        public Block(string[] lines, Rgb8 color, int pad, BitmapFont font, int scale, int barBlockWidth = 0, int barLength = 0, HeatmapStyle? bar = null)
        {
            Lines = lines;
            Color = color;
            _pad = pad;
            _font = font;
            Scale = scale;
            _barLength = barLength;
            _bar = bar;
            if (bar is not null)
            {
                Width = barBlockWidth + (2 * pad);
                Height = font.MeasureHeight(scale) + (2 * pad);
            }
            else if (lines.Length > 0)
            {
                Width = lines.Max(l => font.MeasureWidth(l, scale)) + (2 * pad);
                Height = ((lines.Length - 1) * font.LineHeight * scale) + font.MeasureHeight(scale) + (2 * pad);
            }
        }

        public static Block Empty { get; } = new([], Rgb8.White, 0, BitmapFont.Default, 1);

        public string[] Lines { get; }

        public Rgb8 Color { get; }

        public int Scale { get; }

        public int Width { get; }

        public int Height { get; }

        public bool IsEmpty => Width == 0;

        public void Draw(RgbCanvas canvas, int x, int y, OverlayOptions options, bool box)
        {
            if (IsEmpty)
            {
                return;
            }

            if (box)
            {
                canvas.FillRect(x, y, Width, Height, options.BoxColor, options.BoxOpacity);
            }

            var tx = x + _pad;
            var ty = y + _pad;
            if (_bar is not null)
            {
                tx += canvas.DrawText(tx, ty, BarTitle + " 0", Color, Scale, _font) + (3 * Scale);
                canvas.DrawColorBar(tx, ty, _barLength, _font.CapHeight * Scale, _bar.ColorMap, _bar.Threshold);
                tx += _barLength + (3 * Scale);
                canvas.DrawText(tx, ty, "1", Color, Scale, _font);
                return;
            }

            foreach (var line in Lines)
            {
                canvas.DrawText(tx, ty, line, Color, Scale, _font);
                ty += _font.LineHeight * Scale;
            }
        }
    }
}
