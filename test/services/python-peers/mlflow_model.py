"""Saves a small MLflow pyfunc model: the logistic regression over 10 features of the
model server's test fixture, scoring each row of a dataframe.

usage: mlflow_model.py OUTPUT_DIR
"""
import sys

import mlflow.pyfunc
import numpy as np

WEIGHTS = np.array([(1 if i % 2 == 0 else -1) * 0.1 * (i + 1) for i in range(10)])


class Fraud(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        rows = np.asarray(model_input, dtype=np.float64)
        return (1.0 / (1.0 + np.exp(-(rows @ WEIGHTS)))).tolist()


mlflow.pyfunc.save_model(sys.argv[1], python_model=Fraud())
