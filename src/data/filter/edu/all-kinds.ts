// Every edu classifier kind, registered (classifier.ts) by importing this one module, so each
// caller that trains or loads a classifier knows all of them.
import './linear-classifier.ts';
import './stacked-classifier.ts';
import './transformer-kind.ts';
import './embedding-classifier.ts';
