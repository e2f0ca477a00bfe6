"""Reference values for Real-ESRGAN on Burn, computed with PyTorch on the CPU (float32).

Run from the repository root:

    python3 -m pip install torch numpy
    python3 scripts/reference/realesrgan_reference.py [--weights DIR]

The networks are restated from BasicSR's `basicsr/archs/rrdbnet_arch.py` (RRDBNet, scale 4) and
Real-ESRGAN's `realesrgan/archs/srvgg_arch.py` (SRVGGNetCompact, PReLU), the processing and
tiling from `realesrgan/utils.py` (RealESRGANer: RGB / 255, the network, clamp to [0, 1], x 255,
round half to even, uint8; `tile_process` with `tile` and `tile_pad`).

Always writes crates/gan-core/tests/fixtures/realesrgan.json: two small networks (RRDBNet with 1
block of 8 features and growth 4; SRVGGNetCompact with 8 features and 2 hidden convolutions)
whose weights are defined by a formula (`formula_weights`, kernels rounded to fp16 as an ncnn
file stores them), and their outputs on a formula-defined input. The Rust test writes the same
weights as ncnn files, reads them back and compares, so the arithmetic is checked without any
download.

With --weights DIR (the folder scripts/upscale/fetch_realesrgan_weights.sh fills: the official
`*.param` / `*.bin` files), also writes crates/gan-train/tests/fixtures/realesrgan_models.json:
each official model's raw output on an 8x8 input, and the uint8 results of the whole processing
(untiled, and tiled with tile 8, tile_pad 2) on a 16x12 image, for x4plus and animevideov3.
"""
import argparse
import base64
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


# --- the networks, as BasicSR / Real-ESRGAN define them ----------------------------------------

class ResidualDenseBlock(nn.Module):
    def __init__(self, num_feat=64, num_grow_ch=32):
        super().__init__()
        self.conv1 = nn.Conv2d(num_feat, num_grow_ch, 3, 1, 1)
        self.conv2 = nn.Conv2d(num_feat + num_grow_ch, num_grow_ch, 3, 1, 1)
        self.conv3 = nn.Conv2d(num_feat + 2 * num_grow_ch, num_grow_ch, 3, 1, 1)
        self.conv4 = nn.Conv2d(num_feat + 3 * num_grow_ch, num_grow_ch, 3, 1, 1)
        self.conv5 = nn.Conv2d(num_feat + 4 * num_grow_ch, num_feat, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        x1 = self.lrelu(self.conv1(x))
        x2 = self.lrelu(self.conv2(torch.cat((x, x1), 1)))
        x3 = self.lrelu(self.conv3(torch.cat((x, x1, x2), 1)))
        x4 = self.lrelu(self.conv4(torch.cat((x, x1, x2, x3), 1)))
        x5 = self.conv5(torch.cat((x, x1, x2, x3, x4), 1))
        return x5 * 0.2 + x


class RRDB(nn.Module):
    def __init__(self, num_feat, num_grow_ch=32):
        super().__init__()
        self.rdb1 = ResidualDenseBlock(num_feat, num_grow_ch)
        self.rdb2 = ResidualDenseBlock(num_feat, num_grow_ch)
        self.rdb3 = ResidualDenseBlock(num_feat, num_grow_ch)

    def forward(self, x):
        out = self.rdb3(self.rdb2(self.rdb1(x)))
        return out * 0.2 + x


class RRDBNet(nn.Module):
    """Scale 4 only (no pixel unshuffle)."""

    def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, num_block=23, num_grow_ch=32):
        super().__init__()
        self.conv_first = nn.Conv2d(num_in_ch, num_feat, 3, 1, 1)
        self.body = nn.Sequential(*[RRDB(num_feat, num_grow_ch) for _ in range(num_block)])
        self.conv_body = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_up1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_up2 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_hr = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_last = nn.Conv2d(num_feat, num_out_ch, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.2, inplace=True)

    def forward(self, x):
        feat = self.conv_first(x)
        body_feat = self.conv_body(self.body(feat))
        feat = feat + body_feat
        feat = self.lrelu(self.conv_up1(F.interpolate(feat, scale_factor=2, mode="nearest")))
        feat = self.lrelu(self.conv_up2(F.interpolate(feat, scale_factor=2, mode="nearest")))
        return self.conv_last(self.lrelu(self.conv_hr(feat)))

    def convolutions(self):
        convs = [self.conv_first]
        for block in self.body:
            for rdb in (block.rdb1, block.rdb2, block.rdb3):
                convs += [rdb.conv1, rdb.conv2, rdb.conv3, rdb.conv4, rdb.conv5]
        return convs + [self.conv_body, self.conv_up1, self.conv_up2, self.conv_hr, self.conv_last]

    def prelus(self):
        return []


class SRVGGNetCompact(nn.Module):
    def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, num_conv=16, upscale=4):
        super().__init__()
        self.upscale = upscale
        self.body = nn.ModuleList()
        self.body.append(nn.Conv2d(num_in_ch, num_feat, 3, 1, 1))
        self.body.append(nn.PReLU(num_parameters=num_feat))
        for _ in range(num_conv):
            self.body.append(nn.Conv2d(num_feat, num_feat, 3, 1, 1))
            self.body.append(nn.PReLU(num_parameters=num_feat))
        self.body.append(nn.Conv2d(num_feat, num_out_ch * upscale * upscale, 3, 1, 1))
        self.upsampler = nn.PixelShuffle(upscale)

    def forward(self, x):
        out = x
        for layer in self.body:
            out = layer(out)
        out = self.upsampler(out)
        base = F.interpolate(x, scale_factor=self.upscale, mode="nearest")
        return out + base

    def convolutions(self):
        return [m for m in self.body if isinstance(m, nn.Conv2d)]

    def prelus(self):
        return [m for m in self.body if isinstance(m, nn.PReLU)]


# --- RealESRGANer's processing ----------------------------------------------------------------

def process(model, image, tile=0, tile_pad=10):
    """uint8 HxWx3 RGB -> uint8 (4H)x(4W)x3 RGB, as RealESRGANer.enhance (pre_pad 0, scale 4)."""
    img = torch.from_numpy(np.transpose(image.astype(np.float32) / 255.0, (2, 0, 1))).unsqueeze(0)
    with torch.no_grad():
        output = model(img) if tile == 0 else tile_process(model, img, tile, tile_pad, 4)
    output = output.data.squeeze().float().cpu().clamp_(0, 1).numpy()
    output = np.transpose(output, (1, 2, 0))
    return (output * 255.0).round().astype(np.uint8)


def tile_process(model, img, tile_size, tile_pad, scale):
    batch, channel, height, width = img.shape
    output = img.new_zeros((batch, channel, height * scale, width * scale))
    tiles_x = math.ceil(width / tile_size)
    tiles_y = math.ceil(height / tile_size)
    for y in range(tiles_y):
        for x in range(tiles_x):
            ofs_x, ofs_y = x * tile_size, y * tile_size
            x0, x1 = ofs_x, min(ofs_x + tile_size, width)
            y0, y1 = ofs_y, min(ofs_y + tile_size, height)
            px0, px1 = max(x0 - tile_pad, 0), min(x1 + tile_pad, width)
            py0, py1 = max(y0 - tile_pad, 0), min(y1 + tile_pad, height)
            tile_out = model(img[:, :, py0:py1, px0:px1])
            ox0, ox1 = x0 * scale, x1 * scale
            oy0, oy1 = y0 * scale, y1 * scale
            tx0 = (x0 - px0) * scale
            ty0 = (y0 - py0) * scale
            output[:, :, oy0:oy1, ox0:ox1] = tile_out[:, :, ty0:ty0 + (y1 - y0) * scale,
                                                      tx0:tx0 + (x1 - x0) * scale]
    return output


# --- ncnn weights -------------------------------------------------------------------------------

def read_ncnn(param_path, bin_path):
    """The weight arrays of each Convolution (kernel, bias) and PReLU (slopes), in file order."""
    lines = open(param_path).read().split("\n")
    assert lines[0].strip() == "7767517"
    data = open(bin_path, "rb").read()
    offset = 0
    convs, prelus = [], []
    for line in lines[2:]:
        fields = line.split()
        if not fields:
            continue
        kind = fields[0]
        n_in, n_out = int(fields[2]), int(fields[3])
        params = dict(f.split("=", 1) for f in fields[4 + n_in + n_out:])
        if kind == "Convolution":
            outputs, size = int(params["0"]), int(params["6"])
            (tag,) = struct.unpack_from("<I", data, offset)
            offset += 4
            if tag == 0x01306B47:
                kernel = np.frombuffer(data, np.float16, size, offset).astype(np.float32)
                offset += (size * 2 + 3) // 4 * 4
            else:
                assert tag == 0
                kernel = np.frombuffer(data, np.float32, size, offset)
                offset += size * 4
            bias = np.frombuffer(data, np.float32, outputs, offset)
            offset += outputs * 4
            convs.append((kernel, bias))
        elif kind == "PReLU":
            count = int(params["0"])
            prelus.append(np.frombuffer(data, np.float32, count, offset))
            offset += count * 4
    assert offset == len(data)
    return convs, prelus


def load_weights(model, convs, prelus):
    assert len(convs) == len(model.convolutions()) and len(prelus) == len(model.prelus())
    with torch.no_grad():
        for conv, (kernel, bias) in zip(model.convolutions(), convs):
            conv.weight.copy_(torch.from_numpy(kernel.copy()).reshape(conv.weight.shape))
            conv.bias.copy_(torch.from_numpy(bias.copy()))
        for prelu, slopes in zip(model.prelus(), prelus):
            prelu.weight.copy_(torch.from_numpy(slopes.copy()))
    return model.eval()


# --- formula-defined weights and inputs (the Rust tests compute the same) ----------------------

def formula_weights(model):
    """Convolution l (file order): kernel[i] = fp16(sin(0.37 i + 1.3 l + 0.1) / sqrt(9 c_in)),
    bias[j] = 0.01 cos(0.5 j + l); PReLU p: slope[j] = 0.05 + 0.01 j + 0.02 p."""
    convs, prelus = [], []
    for index, conv in enumerate(model.convolutions()):
        c_out, c_in = conv.weight.shape[:2]
        n = c_out * c_in * 9
        kernel = np.sin(0.37 * np.arange(n, dtype=np.float64) + 1.3 * index + 0.1) / math.sqrt(9 * c_in)
        kernel = kernel.astype(np.float16).astype(np.float32)
        bias = (0.01 * np.cos(0.5 * np.arange(c_out, dtype=np.float64) + index)).astype(np.float32)
        convs.append((kernel, bias))
    for index, prelu in enumerate(model.prelus()):
        count = prelu.weight.shape[0]
        slopes = 0.05 + 0.01 * np.arange(count, dtype=np.float64) + 0.02 * index
        prelus.append(slopes.astype(np.float32))
    return convs, prelus


def formula_input(height, width):
    """x[c, h, w] = 0.5 + 0.45 sin(0.3 h + 0.7 w + 1.1 c), as [1, 3, H, W] float32."""
    c, h, w = np.meshgrid(np.arange(3), np.arange(height), np.arange(width), indexing="ij")
    values = 0.5 + 0.45 * np.sin(0.3 * h + 0.7 * w + 1.1 * c)
    return torch.from_numpy(values.astype(np.float32)).unsqueeze(0)


def formula_image(height, width):
    """uint8 HxWx3: pixel[h, w, c] = (37 h + 91 w + 53 c + 11 h w) mod 256."""
    h, w, c = np.meshgrid(np.arange(height), np.arange(width), np.arange(3), indexing="ij")
    return ((37 * h + 91 * w + 53 * c + 11 * h * w) % 256).astype(np.uint8)


def f32_base64(tensor):
    return base64.b64encode(tensor.detach().numpy().astype("<f4").tobytes()).decode()


def u8_base64(array):
    return base64.b64encode(array.astype(np.uint8).tobytes()).decode()


def small_networks():
    rrdb = RRDBNet(num_feat=8, num_block=1, num_grow_ch=4)
    srvgg = SRVGGNetCompact(num_feat=8, num_conv=2, upscale=4)
    out = {}
    x = formula_input(6, 5)
    for name, model in (("rrdbnet", rrdb), ("srvgg", srvgg)):
        load_weights(model, *formula_weights(model))
        with torch.no_grad():
            y = model(x)
        out[name] = {
            "input_shape": list(x.shape),
            "output_shape": list(y.shape),
            "output_f32_base64": f32_base64(y),
        }
    out["rrdbnet"]["config"] = {"num_feat": 8, "num_block": 1, "num_grow_ch": 4}
    out["srvgg"]["config"] = {"num_feat": 8, "num_conv": 2, "upscale": 4}
    return out


def official_models(weights):
    specs = {
        "x4plus": ("realesrgan-x4plus", lambda: RRDBNet()),
        "x4plus-anime": ("realesrgan-x4plus-anime", lambda: RRDBNet(num_block=6)),
        "animevideov3": ("realesr-animevideov3-x4", lambda: SRVGGNetCompact()),
    }
    out = {}
    x = formula_input(8, 8)
    image = formula_image(12, 16)
    for name, (stem, make) in specs.items():
        model = load_weights(make(), *read_ncnn(os.path.join(weights, stem + ".param"),
                                                os.path.join(weights, stem + ".bin")))
        with torch.no_grad():
            y = model(x)
        entry = {"input_shape": list(x.shape), "output_shape": list(y.shape),
                 "output_f32_base64": f32_base64(y)}
        if name != "x4plus-anime":
            entry["image_shape"] = list(image.shape)
            entry["processed_u8_base64"] = u8_base64(process(model, image))
            entry["tiled"] = {"tile": 8, "tile_pad": 2}
            entry["processed_tiled_u8_base64"] = u8_base64(process(model, image, 8, 2))
        out[name] = entry
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", help="folder with the official ncnn files")
    args = parser.parse_args()
    header = {
        "made_by": "scripts/reference/realesrgan_reference.py",
        "torch": torch.__version__,
    }
    path = "crates/gan-core/tests/fixtures/realesrgan.json"
    with open(path, "w") as f:
        json.dump({**header, **small_networks()}, f, indent=1)
    print("wrote", path)
    if args.weights:
        path = "crates/gan-train/tests/fixtures/realesrgan_models.json"
        with open(path, "w") as f:
            json.dump({**header, **official_models(args.weights)}, f, indent=1)
        print("wrote", path)


if __name__ == "__main__":
    main()
