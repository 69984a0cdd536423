"""PyTorch's nn.LSTM / nn.GRU in the same models as benchmarks/cells.py (imported
there only when torch is installed)."""

import torch


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
    model = TorchModel(recurrent_class, shape)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.as_tensor(x).long() if shape["vocabulary"] else torch.as_tensor(x)
    y = torch.as_tensor(y).long()

    def train_step():
        optimizer.zero_grad()
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1)
        )
        loss.backward()
        optimizer.step()

    def infer_step():
        with torch.no_grad():
            model(x[:1, :1])

    return train_step, infer_step
