"""PyTorch's canonical DCGAN (pytorch/examples/dcgan): networks and initialisation, generalised
to other sizes the way gan-core does it (one stride-2 block per doubling, twice the feature maps at
the 4x4 end). At 64x64 these are exactly the example's layers. Shared by the reference and
benchmark scripts.
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
