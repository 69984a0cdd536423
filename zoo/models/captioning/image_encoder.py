"""Image encoders for captioners: pixels (or precomputed features) -> one vector."""

import importlib

import keras

# Every keras.applications network, by its name there ("MobileNetV2", "ResNet50").
BACKBONES = sorted(name for name in dir(keras.applications) if name[0].isupper())
# Arguments the encoder sets itself.
FIXED_BACKBONE_ARGUMENTS = ("include_top", "weights", "input_shape", "pooling")


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

    With `backbone` (a keras.applications network's name, in `BACKBONES`): its
    module's own `preprocess_input`, the network without its top, global average
    pooling and the same dense layer; `backbone_options` are further arguments of
    its constructor (`alpha` of MobileNetV2). Its weights are read from
    `backbone_weights` (a local .h5 or .weights.h5 file) when given, else it
    starts random: nothing is downloaded. EfficientNetB0-B7 are refused: Keras
    builds their last input-scaling layer only with weights="imagenet" (which
    downloads), so local ImageNet weights would see wrongly scaled inputs.
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
        layers = _backbone(
            backbone, image_shape, backbone_weights, backbone_options or {}
        )
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


def check_backbone(name: str, options: dict | None = None) -> None:
    """ValueError for a backbone the encoder cannot build as asked."""
    if name not in BACKBONES:
        raise ValueError(
            f"Unknown backbone {name!r}. Available (keras.applications): "
            f"{', '.join(BACKBONES)}."
        )
    if name.startswith("EfficientNetB"):
        raise ValueError(
            f"Backbone {name!r} is refused: Keras builds its last input-scaling "
            'layer only with weights="imagenet" (a download), so weights from a '
            "local file would see wrongly scaled inputs. EfficientNetV2B0 and the "
            "other EfficientNetV2 networks scale their inputs themselves."
        )
    fixed = sorted(set(options or {}) & set(FIXED_BACKBONE_ARGUMENTS))
    if fixed:
        raise ValueError(
            f"backbone_options may not set {fixed}: the encoder sets them itself."
        )


def _backbone(name, image_shape, weights_file, options) -> list:
    """[its preprocessing, the keras.applications network `name` without top]."""
    check_backbone(name, options)
    builder = getattr(keras.applications, name)
    network = builder(
        include_top=False, weights=None, input_shape=tuple(image_shape), **options
    )
    if weights_file is not None:
        network.load_weights(weights_file)
    # The network's own scaling of 0-255 pixels: a Lambda is safe here because a
    # captioner is rebuilt from its constructor arguments, never deserialised
    # layer by layer.
    preprocess = importlib.import_module(builder.__module__).preprocess_input
    return [keras.layers.Lambda(preprocess, name="preprocessing"), network]
