/*
 * The toy guest's translator, private to src/targets/toy/.
 */
#ifndef MIMIC_TARGETS_TOY_TRANSLATE_H
#define MIMIC_TARGETS_TOY_TRANSLATE_H

#include "jit/translator.h"

/* IR temps of the toy's globals (toy_globals in target.c). */
#define TOY_TEMP_REG(i) ((IRTemp)(i) + 1)
#define TOY_TEMP_PC ((IRTemp)17)

typedef struct ToyDisasContext {
    DisasContextBase base;
} ToyDisasContext;

extern const TranslatorOps toy_translator_ops;

#endif
