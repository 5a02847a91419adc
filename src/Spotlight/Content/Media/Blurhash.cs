namespace Spotlight.Content.Media;

/// <summary>
/// The BlurHash encoder (https://blurha.sh, the algorithm of woltapp/blurhash): a few cosine components of the image,
/// in linear light, packed in base 83, from which a client paints a blurred placeholder before the image arrives.
/// No package served here does it, and it is thirty lines.
/// </summary>
public static class Blurhash
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

    /// <summary>Encodes RGBA pixels (row-major, 4 bytes each) with <paramref name="componentsX"/> × <paramref name="componentsY"/> components (1–9 each).</summary>
    public static string Encode(ReadOnlySpan<byte> rgba, int width, int height, int componentsX, int componentsY)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(componentsX, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentsX, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentsY, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentsY, 9);
        var factors = new (double R, double G, double B)[componentsX * componentsY];
        var linear = new (double R, double G, double B)[width * height];
        for (var p = 0; p < linear.Length; p++)
        {
            linear[p] = (ToLinear(rgba[p * 4]), ToLinear(rgba[(p * 4) + 1]), ToLinear(rgba[(p * 4) + 2]));
        }

        for (var j = 0; j < componentsY; j++)
        {
            for (var i = 0; i < componentsX; i++)
            {
                double r = 0, g = 0, b = 0;
                for (var y = 0; y < height; y++)
                {
                    var cosY = Math.Cos(Math.PI * j * y / height);
                    for (var x = 0; x < width; x++)
                    {
                        var basis = Math.Cos(Math.PI * i * x / width) * cosY;
                        var pixel = linear[(y * width) + x];
                        r += basis * pixel.R;
                        g += basis * pixel.G;
                        b += basis * pixel.B;
                    }
                }

                var scale = (i == 0 && j == 0 ? 1.0 : 2.0) / (width * height);
                factors[(j * componentsX) + i] = (r * scale, g * scale, b * scale);
            }
        }

        var hash = new System.Text.StringBuilder();
        Append(hash, componentsX - 1 + ((componentsY - 1) * 9), 1);
        double maximum = 1;
        if (factors.Length > 1)
        {
            var actual = factors.Skip(1).Max(f => Math.Max(Math.Abs(f.R), Math.Max(Math.Abs(f.G), Math.Abs(f.B))));
            var quantised = (int)Math.Clamp(Math.Floor((actual * 166) - 0.5), 0, 82);
            maximum = (quantised + 1) / 166.0;
            Append(hash, quantised, 1);
        }
        else
        {
            Append(hash, 0, 1);
        }

        var dc = factors[0];
        Append(hash, (ToSrgb(dc.R) << 16) + (ToSrgb(dc.G) << 8) + ToSrgb(dc.B), 4);
        foreach (var (r, g, b) in factors.Skip(1))
        {
            Append(hash, (Quantise(r, maximum) * 19 * 19) + (Quantise(g, maximum) * 19) + Quantise(b, maximum), 2);
        }

        return hash.ToString();
    }

    private static int Quantise(double value, double maximum)
    {
        var normalised = value / maximum;
        return (int)Math.Clamp(Math.Floor((Math.CopySign(Math.Sqrt(Math.Abs(normalised)), normalised) * 9) + 9.5), 0, 18);
    }

    private static double ToLinear(byte value)
    {
        var v = value / 255.0;
        return v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
    }

    private static int ToSrgb(double value)
    {
        var v = Math.Clamp(value, 0, 1);
        return v <= 0.0031308 ? (int)((v * 12.92 * 255) + 0.5) : (int)((((1.055 * Math.Pow(v, 1 / 2.4)) - 0.055) * 255) + 0.5);
    }

    private static void Append(System.Text.StringBuilder hash, int value, int length)
    {
        for (var i = 1; i <= length; i++)
        {
            var digit = value / (int)Math.Pow(83, length - i) % 83;
            hash.Append(Alphabet[digit]);
        }
    }
}
