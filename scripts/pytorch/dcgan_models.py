"""PyTorch's canonical DCGAN (pytorch/examples/dcgan): networks and initialisation, generalised
to other sizes the way gan-core does it (one stride-2 block per doubling, twice the feature maps at
the 4x4 end). At 64x64 these are exactly the example's layers. Also gan-core's WGAN-GP
critic. Shared by the reference and benchmark scripts.
"""
import torch.nn as nn


def generator(nz, ngf, nc, size):
    stages = size.bit_length() - 1 - 2
    layers, c_in = [], nz
    for stage in range(stages):
        c_out = ngf * 2 ** (stages - 1 - stage)
        stride, pad = (1, 0) if stage == 0 else (2, 1)
        layers += [nn.ConvTranspose2d(c_in, c_out, 4, stride, pad, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]
        c_in = c_out
    layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator(ndf, nc, size):
    stages = size.bit_length() - 1 - 2
    layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
    for s in range(1, stages):
        layers += [nn.Conv2d(ndf * 2 ** (s - 1), ndf * 2 ** s, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2 ** s), nn.LeakyReLU(0.2, inplace=True)]
    layers += [nn.Conv2d(ndf * 2 ** (stages - 1), 1, 4, 1, 0, bias=False), nn.Sigmoid()]
    return nn.Sequential(*layers)


def weights_init(m):
    name = m.__class__.__name__
    if name.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif name.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Critic(nn.Module):
    """gan-core's DcganCritic: stride-2 conv blocks (LayerNorm over [C, H, W] after the first
    when `layer_norm`), LeakyReLU(0.2), a 4x4 conv to one linear score. No biases."""

    def __init__(self, layer_norm, ndf=64, nc=3, image_size=64):
        super().__init__()
        self.convs, self.norms = nn.ModuleList(), nn.ModuleList()
        stages = image_size.bit_length() - 1 - 2
        c_in = nc
        for stage in range(stages):
            width, size = ndf << stage, image_size >> (stage + 1)
            self.convs.append(nn.Conv2d(c_in, width, 4, 2, 1, bias=False))
            self.norms.append(nn.LayerNorm([width, size, size]) if layer_norm and stage > 0 else nn.Identity())
            c_in = width
        self.output = nn.Conv2d(c_in, 1, 4, 1, 0, bias=False)

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = nn.functional.leaky_relu(norm(conv(x)), 0.2)
        return self.output(x).view(-1, 1)

    def named_weights(self):
        """Parameters under gan-core's module paths."""
        out = {}
        for i, (conv, norm) in enumerate(zip(self.convs, self.norms)):
            out[f"blocks.{i}.conv.weight"] = conv.weight
            if isinstance(norm, nn.LayerNorm):
                out[f"blocks.{i}.norm.gamma"] = norm.weight
                out[f"blocks.{i}.norm.beta"] = norm.bias
        out["output.weight"] = self.output.weight
        return out
