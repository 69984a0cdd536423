"""Image encoders for captioners: pixels (or precomputed features) -> one vector."""

import keras

# keras.applications backbones by name; only these are offered so that a wrong name
# fails with the list rather than deep inside keras.applications.
BACKBONES = {
    "mobilenet_v2": keras.applications.MobileNetV2,
    "efficientnet_b0": keras.applications.EfficientNetB0,
}


def image_encoder(
    image_shape=(32, 32, 3),
    feature_dim: int = 128,
    backbone: str | None = None,
    backbone_weights: str | None = None,
    backbone_options: dict | None = None,
    name: str = "image_encoder",
) -> keras.Sequential:
    """Raw pixel values (0-255) -> an image vector (B, feature_dim).

    Without `backbone`, a small CNN trained from scratch:

    ```
    x = pixels / 255                                        (B, H, W, C)
    3 x [conv 3x3 (32, 64, 128 filters), relu, max-pool 2]  (B, H/8, W/8, 128)
    v = relu(mean_{h,w}(x) W + b)                            (B, feature_dim)
    ```

    With `backbone` (a name in `BACKBONES`), that keras.applications network
    without its top, its own input preprocessing, global average pooling and the
    same dense layer; `backbone_options` are further arguments of its constructor
    (`alpha` of MobileNetV2). Its weights are read from `backbone_weights` (a local
    .h5 or .weights.h5 file) when given, else it starts random: nothing is
    downloaded.
    """
    if backbone is None:
        if backbone_weights is not None or backbone_options:
            raise ValueError(
                "backbone_weights and backbone_options need a backbone; got "
                f"backbone=None and backbone_weights={backbone_weights!r}, "
                f"backbone_options={backbone_options!r}."
            )
        layers = [keras.layers.Rescaling(1 / 255, name="rescaling")]
        for filters in (32, 64, 128):
            layers += [
                keras.layers.Conv2D(
                    filters,
                    3,
                    padding="same",
                    activation="relu",
                    name=f"conv_{filters}",
                ),
                keras.layers.MaxPooling2D(name=f"pool_{filters}"),
            ]
    else:
        if backbone not in BACKBONES:
            raise ValueError(
                f"Unknown backbone {backbone!r}. Available: {', '.join(BACKBONES)}."
            )
        network = BACKBONES[backbone](
            include_top=False,
            weights=None,
            input_shape=tuple(image_shape),
            **(backbone_options or {}),
        )
        if backbone_weights is not None:
            network.load_weights(backbone_weights)
        layers = [_preprocessing(backbone), network]
    return keras.Sequential(
        [
            keras.Input(shape=tuple(image_shape), name="image"),
            *layers,
            keras.layers.GlobalAveragePooling2D(name="average"),
            keras.layers.Dense(feature_dim, activation="relu", name="image_vector"),
        ],
        name=name,
    )


def feature_encoder(
    input_dim: int, feature_dim: int = 128, name: str = "feature_encoder"
) -> keras.Sequential:
    """A precomputed feature vector (B, input_dim) -> an image vector (B,
    feature_dim): `v = relu(f W + b)`."""
    return keras.Sequential(
        [
            keras.Input(shape=(input_dim,), name="features"),
            keras.layers.Dense(feature_dim, activation="relu", name="image_vector"),
        ],
        name=name,
    )


def _preprocessing(backbone: str) -> keras.layers.Layer:
    """The input scaling each backbone was trained with, as a layer."""
    if backbone == "mobilenet_v2":  # to [-1, 1]
        return keras.layers.Rescaling(1 / 127.5, offset=-1, name="preprocessing")
    return keras.layers.Identity(name="preprocessing")  # EfficientNet rescales itself
