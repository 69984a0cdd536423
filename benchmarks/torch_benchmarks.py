"""PyTorch's nn.LSTM / nn.GRU in the same models as benchmarks/cells.py (imported
there only when torch is installed), on the GPU (cuDNN) when PyTorch sees one."""

import torch

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


class TorchModel(torch.nn.Module):
    """Embedding (or dense features) -> nn.LSTM/nn.GRU stack -> linear read-out."""

    def __init__(self, recurrent_class, shape):
        super().__init__()
        hidden, vocabulary = shape["hidden"], shape["vocabulary"]
        self.vocabulary = vocabulary
        self.embedding = torch.nn.Embedding(vocabulary, hidden) if vocabulary else None
        self.recurrent = recurrent_class(
            hidden, hidden, num_layers=shape["layers"], batch_first=True
        )
        self.readout = torch.nn.Linear(hidden, vocabulary or shape["classes"])

    def forward(self, x):
        x = self.embedding(x) if self.embedding is not None else x
        outputs, _ = self.recurrent(x)  # (B, T, H)
        if self.vocabulary:
            return self.readout(outputs)  # (B, T, V)
        return self.readout(outputs[:, -1])  # (B, classes)


def make_calls(layer_name, shape, x, y):
    """(train step, batch-1 one-token inference step) callables for "torch nn.LSTM"
    or "torch nn.GRU"."""
    recurrent_class = torch.nn.LSTM if layer_name.endswith("LSTM") else torch.nn.GRU
    model = TorchModel(recurrent_class, shape).to(DEVICE)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.as_tensor(x).long() if shape["vocabulary"] else torch.as_tensor(x)
    x, y = x.to(DEVICE), torch.as_tensor(y).long().to(DEVICE)

    def train_step():
        optimizer.zero_grad()
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1)
        )
        loss.backward()
        optimizer.step()
        loss.item()  # waits for the device, as Keras's train_on_batch does

    def infer_step():
        with torch.no_grad():
            model(x[:1, :1]).cpu()  # waits for the device, as predict_on_batch does

    return train_step, infer_step
